// Discard an assessment (a clinician; audited as a delete): asks once more, then returns to
// the patient page. An assessment not saved yet has nothing to discard.
"use strict";
(() => {
  const { api, showError } = drg;
  const root = document.getElementById("assessment-page");
  const ask = document.getElementById("discard-assessment");
  const confirm = document.getElementById("discard-confirm");
  if (!ask) return;
  ask.addEventListener("click", () => {
    if (!root.dataset.assessment) { drg.toast("Nothing saved yet: just leave the page."); return; }
    confirm.hidden = false;
    confirm.focus();
  });
  confirm.addEventListener("click", async () => {
    try {
      await api("DELETE", `/assessments/${root.dataset.assessment}`);
      window.location.assign(`/patients/${root.dataset.patient}`);
    } catch (e) { showError(document.getElementById("assessment-error"), e); }
  });
})();
