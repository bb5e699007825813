// Small progressive enhancements; the pages work without script. No inline script (CSP).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches && el.matches("[data-autosubmit]")) el.form.submit();
});
