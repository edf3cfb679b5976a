// Consent: sign (POST /api/patients/{id}/consents) or withdraw (PATCH /api/consents/{id});
// the signed consent then opens as its own printable page.
"use strict";
(() => {
  const { api, showError } = drg;
  const root = document.getElementById("consent-page");
  const error = document.getElementById("consent-error");
  const form = document.getElementById("consent-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      showError(error, null);
      try {
        const consent = await api("POST", `/patients/${root.dataset.patient}/consents`, {
          procedure: root.dataset.procedure,
          signed_by_name: form.elements.signed_by_name.value,
        });
        window.location.assign(`/patients/${root.dataset.patient}/consent?id=${consent.id}`);
      } catch (e) { showError(error, e); }
    });
  }
  const withdraw = document.getElementById("withdraw");
  if (withdraw) {
    withdraw.addEventListener("click", async () => {
      showError(error, null);
      try {
        await api("PATCH", `/consents/${withdraw.dataset.consent}`, { withdrawn: true, version: Number(withdraw.dataset.version) });
        window.location.reload();
      } catch (e) { showError(error, e); }
    });
  }
})();
