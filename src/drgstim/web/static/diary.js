// Trial diary: one entry per day for the patient's active trial (phone-friendly form).
"use strict";
(() => {
  const { api, all, el, showError, fmt } = drg;
  const root = document.getElementById("diary-page");
  const pid = root.dataset.patient;
  const form = document.getElementById("diary-form");
  const errorBox = document.getElementById("diary-error");
  let trial = null;
  let editing = null; // the entry being corrected {id, version, day}
  const FIELDS = ["nrs_worst", "relief_pct", "sleep_h", "activity_minutes", "steps", "mme", "pgic"];
  const submit = document.getElementById("diary-submit");
  const cancel = document.getElementById("cancel-correction");

  // Correct a saved day (a nurse after a phone call, or the patient): the form takes the
  // entry's values and saves them as a change of that entry (PATCH, audited).
  function correct(entry) {
    editing = entry;
    document.getElementById("diary-card").hidden = false;
    form.elements.day.value = entry.day;
    form.elements.day.disabled = true;
    const radio = form.querySelector(`input[name="nrs_average"][value="${Math.round(entry.nrs_average)}"]`);
    if (radio) radio.checked = true;
    for (const name of FIELDS) form.elements[name].value = entry[name] ?? "";
    form.elements.notes.value = entry.notes || "";
    form.elements.stim_on.checked = entry.stim_on;
    submit.textContent = `Save the correction for ${entry.day}`;
    const locked = Boolean(entry.locked_by_review_id);
    document.getElementById("amendment").hidden = !locked;
    form.elements.amendment_reason.required = locked;
    cancel.hidden = false;
    form.elements.day.closest("form").querySelector('input[name="nrs_average"]:checked')?.focus();
  }

  function stopCorrecting() {
    editing = null;
    form.reset();
    form.elements.day.disabled = false;
    form.elements.day.value = drg.today();
    submit.textContent = "Save today's entry";
    document.getElementById("amendment").hidden = true;
    form.elements.amendment_reason.required = false;
    cancel.hidden = true;
    document.getElementById("diary-card").hidden = trial.status !== "active";
  }
  cancel.addEventListener("click", stopCorrecting);

  async function entries() {
    const items = await all(`/trials/${trial.id}/diary`);
    const role = root.dataset.role;
    // After a trial review used a day, only the care team amends it (with a reason).
    const canCorrect = (d) => ["clinician", "nurse"].includes(role) || (role === "patient" && !d.locked_by_review_id);
    document.getElementById("entries").replaceChildren(...items.map((d) => el("tr", {},
      el("td", {}, d.day), el("td", {}, fmt(d.nrs_average)), el("td", {}, fmt(d.nrs_worst)),
      el("td", {}, d.relief_pct === null ? "–" : `${fmt(d.relief_pct, 0)} %`),
      el("td", {}, canCorrect(d) ? el("button", { type: "button", class: "secondary", onclick: () => correct(d), "aria-label": `Correct the entry of ${d.day}` }, "Correct") : ""))));
    if (items.length === 0) document.getElementById("entries").replaceChildren(el("tr", {}, el("td", { colspan: 5 }, "No entries yet.")));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(errorBox, null);
    const data = drg.formData(form);
    const body = { day: data.day, nrs_average: Number(data.nrs_average) };
    for (const name of FIELDS) {
      if (data[name] !== undefined) body[name] = Number(data[name]);
      else if (editing) body[name] = null;
    }
    body.notes = data.notes || "";
    body.stim_on = form.elements.stim_on.checked;
    if (editing) {
      delete body.day;
      if (editing.locked_by_review_id) body.amendment_reason = data.amendment_reason || "";
      try {
        await api("PATCH", `/diary/${editing.id}`, { ...body, version: editing.version });
        drg.toast(`Corrected the entry for ${editing.day}.`);
        stopCorrecting();
        await entries();
      } catch (e) { showError(errorBox, e); }
      return;
    }
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
