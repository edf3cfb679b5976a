// Follow-up visits (outcome scores) and complications of one patient.
"use strict";
(() => {
  const { api, all, el, showError, fmt } = drg;
  const pid = document.getElementById("followup-page").dataset.patient;

  async function load() {
    const [visits, complications] = await Promise.all([all(`/patients/${pid}/follow-ups`), all(`/patients/${pid}/complications`)]);
    document.getElementById("visits").replaceChildren(...visits.map((v) => el("tr", {},
      el("td", {}, v.visit_on), el("td", {}, v.month), el("td", {}, fmt(v.scores.nrs_average)),
      el("td", {}, v.scores.odi_pct ?? "–"), el("td", {}, v.scores.pgic ?? "–"), el("td", {}, v.notes))));
    if (!visits.length) document.getElementById("visits").replaceChildren(el("tr", {}, el("td", { colspan: 6 }, "No visits yet.")));
    document.getElementById("complications").replaceChildren(...complications.map((c) => el("li", {},
      el("strong", {}, `${c.occurred_on} ${c.kind.replaceAll("_", " ")}`), ` — ${c.severity}, ${c.management}${c.resolved ? ", resolved" : ", open"}${c.notes ? `: ${c.notes}` : ""}`)));
    if (!complications.length) document.getElementById("complications").replaceChildren(el("li", {}, "None recorded."));
  }

  const visitForm = document.getElementById("visit-form");
  if (visitForm) {
    visitForm.elements.visit_on.value = drg.today();
    visitForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = document.getElementById("visit-error");
      showError(error, null);
      const f = drg.formData(visitForm);
      const scores = {};
      for (const name of ["nrs_average", "odi_pct", "pgic"]) if (f[name] !== undefined) scores[name] = Number(f[name]);
      try {
        await api("POST", `/patients/${pid}/follow-ups`, { visit_on: f.visit_on, month: Number(f.month), scores, notes: f.notes || "" });
        visitForm.reset(); visitForm.elements.visit_on.value = drg.today();
        drg.toast("Visit saved."); await load();
      } catch (e) { showError(error, e); }
    });
  }
  const compForm = document.getElementById("complication-form");
  if (compForm) {
    compForm.elements.occurred_on.value = drg.today();
    compForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = document.getElementById("complication-error");
      showError(error, null);
      const f = drg.formData(compForm);
      try {
        await api("POST", `/patients/${pid}/complications`, {
          occurred_on: f.occurred_on, kind: f.kind, severity: f.severity, management: f.management,
          resolved: compForm.elements.resolved.checked, notes: f.notes || "" });
        compForm.reset(); compForm.elements.occurred_on.value = drg.today();
        drg.toast("Complication saved."); await load();
      } catch (e) { showError(error, e); }
    });
  }
  load().catch((e) => drg.toast(e.message));
})();
