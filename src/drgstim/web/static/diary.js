// Trial diary: one entry per day for the patient's active trial (phone-friendly form).
"use strict";
(() => {
  const { api, all, el, showError, fmt } = drg;
  const root = document.getElementById("diary-page");
  const pid = root.dataset.patient;
  const form = document.getElementById("diary-form");
  const errorBox = document.getElementById("diary-error");
  let trial = null;

  async function entries() {
    const items = await all(`/trials/${trial.id}/diary`);
    document.getElementById("entries").replaceChildren(...items.map((d) => el("tr", {},
      el("td", {}, d.day), el("td", {}, fmt(d.nrs_average)), el("td", {}, fmt(d.nrs_worst)),
      el("td", {}, d.relief_pct === null ? "–" : `${fmt(d.relief_pct, 0)} %`))));
    if (items.length === 0) document.getElementById("entries").replaceChildren(el("tr", {}, el("td", { colspan: 4 }, "No entries yet.")));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(errorBox, null);
    const data = drg.formData(form);
    const body = { day: data.day, nrs_average: Number(data.nrs_average) };
    for (const name of ["nrs_worst", "relief_pct", "sleep_h", "activity_minutes", "steps", "mme", "pgic"]) {
      if (data[name] !== undefined) body[name] = Number(data[name]);
    }
    if (data.notes !== undefined) body.notes = data.notes;
    body.stim_on = form.elements.stim_on.checked;
    try {
      await api("POST", `/trials/${trial.id}/diary`, body);
      drg.toast(`Saved the entry for ${body.day}.`);
      form.reset();
      form.elements.day.value = nextDay(body.day);
      await entries();
    } catch (e) { showError(errorBox, e); }
  });

  function nextDay(day) {
    const d = new Date(`${day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    const next = d.toISOString().slice(0, 10);
    return next > drg.today() ? drg.today() : next;
  }

  async function load() {
    const trials = await all(`/patients/${pid}/trials`);
    trial = trials.find((t) => t.status === "active") || trials[0] || null;
    if (!trial) { document.getElementById("trial-info").textContent = "There is no trial to keep a diary for."; return; }
    document.getElementById("trial-info").textContent =
      `Trial started ${trial.started_on} (${trial.planned_days} days planned, ${trial.status}). Baseline pain ${fmt(trial.baseline_nrs)}.`;
    document.getElementById("diary-card").hidden = trial.status !== "active";
    form.elements.day.value = drg.today();
    form.elements.day.min = trial.started_on;
    form.elements.day.max = drg.today();
    await entries();
  }
  load().catch((e) => { document.getElementById("trial-info").textContent = e.message; });
})();
