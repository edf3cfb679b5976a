// The patient page's recovery plan, consents and pre-visit checklists; a clinician or nurse
// starts an assessment from a checklist (POST /api/checklists/{id}/assessment).
"use strict";
(() => {
  const { api, all, el, showError } = drg;
  const root = document.getElementById("timeline-page");
  const pid = root.dataset.patient;
  const role = root.dataset.role;
  const PROCEDURES = { trial: "Trial", implant: "Implant", revision: "Revision", explant: "Removal" };

  async function plan() {
    const list = document.getElementById("recovery-plan");
    const { items } = await api("GET", `/patients/${pid}/recovery-plan`);
    const today = drg.today();
    const shown = items.filter((i) => i.ends_on >= today).slice(0, 12);
    list.replaceChildren(...shown.map((i) => el("li", { class: i.current ? "current" : "" },
      el("time", { datetime: i.starts_on }, i.starts_on === i.ends_on ? i.starts_on : `${i.starts_on} to ${i.ends_on}`),
      " ", i.current ? el("strong", {}, "Now: ") : null, i.text)));
    if (!shown.length) list.replaceChildren(el("li", {}, "No recovery limits or reminders ahead."));
  }

  async function papers() {
    const consents = document.getElementById("consents");
    const checklists = document.getElementById("checklists");
    if (!consents) return;
    const [signed, lists] = await Promise.all([all(`/patients/${pid}/consents`), all(`/patients/${pid}/checklists`)]);
    consents.replaceChildren(...signed.map((c) => el("li", {},
      el("a", { href: `/patients/${pid}/consent?id=${c.id}` }, `${PROCEDURES[c.procedure] || c.procedure} consent`),
      ` signed by ${c.signed_by_name} on ${c.signed_at.slice(0, 10)}`,
      c.withdrawn_at ? el("strong", { class: "error" }, ` (withdrawn ${c.withdrawn_at.slice(0, 10)})`) : null)));
    if (!signed.length) consents.replaceChildren(el("li", {}, "No consent signed yet."));
    checklists.replaceChildren(...lists.map((c) => {
      const a = c.answers;
      const summary = `${a.pain_areas.length} painful area(s)${a.nrs_average !== null && a.nrs_average !== undefined ? `, usual pain ${a.nrs_average}/10` : ""}`;
      const button = role === "clinician" || role === "nurse"
        ? el("button", { type: "button", class: "secondary", onclick: () => importChecklist(c.id) }, "Start an assessment from it")
        : null;
      return el("li", {}, `Checklist of ${c.submitted_on}: ${summary} `, button);
    }));
    if (!lists.length) checklists.replaceChildren(el("li", {}, "No checklist sent yet."));
  }

  async function importChecklist(id) {
    try {
      const assessment = await api("POST", `/checklists/${id}/assessment`);
      window.location.assign(`/patients/${pid}/assessment?id=${assessment.id}`);
    } catch (e) { showError(document.getElementById("papers-error"), e); }
  }

  // Edit the patient's details (PATCH with the version read, so a concurrent edit is a 409).
  const patientForm = document.getElementById("patient-form");
  let patient = null;
  async function details() {
    if (!patientForm) return;
    patient = await api("GET", `/patients/${pid}`);
    // Fill the fields, but never over something typed before the record arrived.
    for (const name of ["given_name", "family_name", "birth_date", "sex", "notes"]) {
      const field = patientForm.elements[name];
      if (!field.dataset.touched) field.value = patient[name] ?? "";
    }
  }
  if (patientForm) {
    patientForm.addEventListener("input", (event) => { event.target.dataset.touched = "1"; });
    patientForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = document.getElementById("patient-error");
      showError(error, null);
      const f = patientForm.elements;
      try {
        patient = await api("PATCH", `/patients/${pid}`, {
          given_name: f.given_name.value, family_name: f.family_name.value, birth_date: f.birth_date.value,
          sex: f.sex.value, notes: f.notes.value, version: patient.version });
        document.getElementById("patient-name").textContent = `${patient.given_name} ${patient.family_name}`;
        drg.toast("Details saved.");
      } catch (e) { showError(error, e); }
    });
  }

  async function trialReport() {
    const item = document.getElementById("trial-report-item");
    if (!item) return;
    // The follow-up report needs an implant to count from.
    const implants = await all(`/patients/${pid}/implants`);
    document.getElementById("followup-report-item").hidden = !implants.some((i) => i.procedure === "implant");
    const trials = await all(`/patients/${pid}/trials`);
    if (!trials.length) return;
    document.getElementById("trial-report").href = `/api/trials/${trials[0].id}/report?format=html`;
    document.getElementById("trial-report-pdf").href = `/api/trials/${trials[0].id}/report?format=pdf`;
    item.hidden = false;
  }

  details().catch((e) => showError(document.getElementById("patient-error"), e));
  trialReport().catch(() => {});
  plan().catch((e) => document.getElementById("recovery-plan").replaceChildren(el("li", { class: "error" }, e.message)));
  papers().catch((e) => showError(document.getElementById("papers-error"), e));
})();
