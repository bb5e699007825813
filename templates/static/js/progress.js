// Progress bar of a background upload job: poll its status, reload when it has finished.
(() => {
  const box = document.querySelector("[data-progress-url]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, { credentials: "same-origin" });
      const state = await response.json();
      bar.value = state.progress;
      const running = state.status === "received" || state.status === "validating" ||
        (state.status === "preview" && state.applying);
      if (!running) { window.location.reload(); return; }
    } catch (e) { /* a missed poll is retried */ }
    setTimeout(poll, 1500);
  };
  setTimeout(poll, 1000);
})();
