// Upload preview: "apply this reason to all missing projects" fills every row whose reason
// was not chosen by hand (the server does the same when the page runs without scripts).
(() => {
  const all = document.getElementById("reason-all");
  if (!all) return;
  const rows = Array.from(document.querySelectorAll("select.missing-reason"));
  rows.forEach((select) => select.addEventListener("change", () => {
    select.dataset.byHand = select.value ? "1" : "";
  }));
  all.addEventListener("change", () => {
    rows.forEach((select) => { if (!select.dataset.byHand) select.value = all.value; });
  });
})();
