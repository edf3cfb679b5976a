// Follow-up visits (outcome scores) and complications of one patient.
"use strict";
(() => {
  const { api, all, el, showError, fmt } = drg;
  const root = document.getElementById("followup-page");
  const pid = root.dataset.patient;
  const mayWrite = root.dataset.role === "clinician" || root.dataset.role === "nurse";
  const NAMES = { implant: "Implant", revision: "Revision", explant: "Removal (explant)", trial: "Trial leads" };

  async function resolve(c) {
    try {
      await api("PATCH", `/complications/${c.id}`, { resolved: true, version: c.version });
      drg.toast("Marked as resolved.");
      await load();
      document.getElementById("complications").focus();
    } catch (e) { showError(document.getElementById("complication-error"), e); }
  }

  async function load() {
    const [visits, complications, implants] = await Promise.all([all(`/patients/${pid}/follow-ups`), all(`/patients/${pid}/complications`), all(`/patients/${pid}/implants`)]);
    document.getElementById("procedure-list").replaceChildren(...implants.map((i) => el("li", {},
      el("strong", {}, `${i.performed_on} ${NAMES[i.procedure] || i.procedure}`),
      i.levels.length ? ` — leads at ${i.levels.map((l) => `${l.side} ${l.level}`).join(", ")}` : "",
      i.notes ? `; ${i.notes}` : "")));
    if (!implants.length) document.getElementById("procedure-list").replaceChildren(el("li", {}, "No procedure recorded."));
    const lastImplant = implants.filter((i) => i.procedure === "implant").pop();
    document.getElementById("implant-date").textContent = lastImplant ? `(implant on ${lastImplant.performed_on})` : "(no implant recorded yet)";
    document.getElementById("visits").replaceChildren(...visits.map((v) => el("tr", {},
      el("td", {}, v.visit_on), el("td", {}, v.month), el("td", {}, fmt(v.scores.nrs_average)),
      el("td", {}, v.scores.odi_pct ?? "–"), el("td", {}, v.scores.pgic ?? "–"), el("td", {}, v.notes))));
    if (!visits.length) document.getElementById("visits").replaceChildren(el("tr", {}, el("td", { colspan: 6 }, "No visits yet.")));
    document.getElementById("complications").replaceChildren(...complications.map((c) => el("li", {},
      el("strong", {}, `${c.occurred_on} ${c.kind.replaceAll("_", " ")}`), ` — ${c.severity}, ${c.management}${c.resolved ? ", resolved" : ", open"}${c.notes ? `: ${c.notes}` : ""} `,
      !c.resolved && mayWrite ? el("button", { type: "button", class: "secondary", onclick: () => resolve(c), "aria-label": `Mark ${c.kind.replaceAll("_", " ")} of ${c.occurred_on} as resolved` }, "Mark resolved") : null)));
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
  const procForm = document.getElementById("procedure-form");
  if (procForm) {
    procForm.elements.performed_on.value = drg.today();
    procForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = document.getElementById("procedure-error");
      showError(error, null);
      const f = drg.formData(procForm);
      const levels = (f.levels || "").split(",").map((s) => s.trim()).filter(Boolean).map((s) => {
        const [level, side] = s.split(/\s+/);
        return { level: (level || "").toUpperCase(), side: (side || "").toLowerCase() };
      });
      try {
        await api("POST", `/patients/${pid}/implants`, { procedure: f.procedure, performed_on: f.performed_on, levels, notes: f.notes || "" });
        procForm.reset(); procForm.elements.performed_on.value = drg.today();
        drg.toast("Procedure recorded."); await load();
      } catch (e) { showError(error, e); }
    });
  }
  document.getElementById("complications").setAttribute("tabindex", "-1");
  load().catch((e) => drg.toast(e.message));
})();
