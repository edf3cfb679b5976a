// Patient guide: the "Print" buttons (no inline script, so that a strict CSP allows it).
"use strict";
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
