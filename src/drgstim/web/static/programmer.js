// Clinician programmer: per lead, contact polarity, amplitude, patient maximum, pulse width
// and frequency on the device grid (read from /api/device/grid, never copied here);
// impedance transfer; live safety check by the server's device model; the stored group is
// loaded, changes are listed and confirmed before they overwrite it; history and restore.
"use strict";
(() => {
  const { api, all, el, fmt } = drg;
  const root = document.getElementById("programmer-page");
  const pid = root.dataset.patient;
  const mayProgram = root.dataset.mayProgram === "yes";
  let grid = null; // GET /api/device/grid
  let device = null;
  let programs = [];
  let stored = null; // the saved program being edited (null: a new group)
  let state = []; // one entry per device lead: {lead, contacts, amplitude_uA, patient_max_uA, pulse_width_us, frequency_Hz}
  let timer = null;
  let verdict = null; // the device's answer to the group as now edited: true (safe), false, or null while checking
  let checks = 0; // answers to older edits are dropped

  const WORDS = { "+": "anode", "-": "cathode", "0": "off" };
  const SYMBOLS = { "+": "+", "-": "−", "0": "off" };
  const LABELS = { amplitude_uA: "Amplitude", patient_max_uA: "Patient maximum", pulse_width_us: "Pulse width", frequency_Hz: "Frequency" };
  const FIELDS = ["amplitude_uA", "patient_max_uA", "pulse_width_us", "frequency_Hz"];
  const OFF = "0";

  // The patient's maximum is an amplitude, so it lives on the amplitude grid.
  const spec = (name) => grid.parameters[name === "patient_max_uA" ? "amplitude_uA" : name];
  const unit = (name) => spec(name).unit;

  // Walk the list of allowed values the API gave: the next one up or down, or the
  // allowed value at or below a typed one.
  function stepIn(values, value, direction) {
    if (direction > 0) return values.find((v) => v > value) ?? values[values.length - 1];
    const below = values.filter((v) => v < value);
    return below.length ? below[below.length - 1] : values[0];
  }
  function snapIn(values, value) {
    if (Number.isNaN(value)) return values[0];
    const below = values.filter((v) => v <= value);
    return below.length ? below[below.length - 1] : values[0];
  }

  // The patient controller steps between 0 and the patient maximum, which is never below
  // the programmed amplitude: raising one raises the other, lowering the maximum below the
  // amplitude lowers the amplitude too.
  function coupled(lead, name, value) {
    lead[name] = value;
    if (name === "amplitude_uA" && lead.patient_max_uA < value) lead.patient_max_uA = value;
    if (name === "patient_max_uA" && lead.amplitude_uA > value) lead.amplitude_uA = value;
  }

  function stepper(lead, name) {
    const id = `lead${lead.lead}-${name}`;
    const values = spec(name).values;
    const input = el("input", { id, type: "number", min: spec(name).minimum, max: spec(name).maximum, value: lead[name], disabled: !mayProgram });
    const set = (value) => {
      coupled(lead, name, value);
      for (const other of FIELDS) {
        const box = document.getElementById(`lead${lead.lead}-${other}`);
        if (box) box.value = lead[other];
      }
      changed();
    };
    input.addEventListener("change", () => set(snapIn(values, Number(input.value))));
    const word = LABELS[name].toLowerCase();
    return el("div", { class: "field" }, el("label", { for: id }, `${LABELS[name]} (${unit(name)})`),
      el("div", { class: "stepper" },
        el("button", { type: "button", class: "secondary", "aria-label": `Lead ${lead.lead} ${word} down`, disabled: !mayProgram, onclick: () => set(stepIn(values, lead[name], -1)) }, "−"),
        input,
        el("button", { type: "button", class: "secondary", "aria-label": `Lead ${lead.lead} ${word} up`, disabled: !mayProgram, onclick: () => set(stepIn(values, lead[name], 1)) }, "+")));
  }

  function contactControl(lead, index) {
    const label = grid.contact_labels[index];
    const buttons = grid.polarities.map((value) => el("button", {
      type: "button", "aria-pressed": lead.contacts[index] === value ? "true" : "false", disabled: !mayProgram,
      "aria-label": `Lead ${lead.lead} contact ${index + 1} ${WORDS[value]}`, title: WORDS[value],
      onclick: () => {
        // A new contact configuration starts from 0 µA, as the device's clinician
        // session does when the polarities change.
        if (lead.contacts[index] !== value) { lead.contacts[index] = value; lead.amplitude_uA = 0; lead.patient_max_uA = 0; render(); changed(); }
      },
    }, SYMBOLS[value]));
    return el("div", { class: "contact" }, el("span", {}, label), el("div", { class: "polarity", role: "group", "aria-label": `Lead ${lead.lead} contact ${index + 1}` }, buttons));
  }

  function impedanceControl(info) {
    const id = `lead${info.lead}-impedance`;
    const input = el("input", { id, type: "number", min: 1, step: 1, value: info.impedance_ohm ?? "", disabled: !mayProgram });
    return el("div", { class: "row" }, el("label", { for: id }, "Impedance (Ω)"), input,
      el("button", { type: "button", class: "secondary", disabled: !mayProgram, onclick: async () => {
        try {
          device = await api("POST", `/devices/${device.id}/impedance`, { lead: info.lead, impedance_ohm: Number(input.value) });
          drg.toast(`Impedance of lead ${info.lead} transferred; every group was rechecked.`);
          await loadPrograms();
          changed();
        } catch (e) { drg.toast(e.message); }
      } }, "Transfer impedance"));
  }

  function render() {
    const box = document.getElementById("leads");
    box.replaceChildren(...state.map((lead) => {
      const info = device.leads.find((l) => l.lead === lead.lead) || {};
      return el("section", { class: "lead", "aria-label": `Lead ${lead.lead}` },
        el("h3", {}, `Lead ${lead.lead}: ${info.side || ""} ${info.level || ""}`),
        impedanceControl(info),
        el("div", { class: "contacts" }, lead.contacts.map((_, i) => contactControl(lead, i))),
        el("div", { class: "row" }, FIELDS.map((n) => stepper(lead, n))));
    }));
  }

  // A lead with no contact set is not in the group.
  function settings() {
    const used = state.filter((l) => l.contacts.some((c) => c !== OFF));
    return { leads: used.map((l) => ({ lead: l.lead, contacts: [...l.contacts], amplitude_uA: l.amplitude_uA, patient_max_uA: l.patient_max_uA, pulse_width_us: l.pulse_width_us, frequency_Hz: l.frequency_Hz })) };
  }

  function describeLead(l) {
    return `${l.contacts.join("")}, ${l.amplitude_uA} µA (patient max ${l.patient_max_uA} µA), ${l.pulse_width_us} µs, ${l.frequency_Hz} Hz`;
  }

  // What saving would change in the stored group, one line per difference.
  function differences() {
    const now = settings().leads;
    const forPatient = document.getElementById("for-patient").checked;
    if (!stored) return [`New group "${groupName()}": ${now.map((l) => `lead ${l.lead} ${describeLead(l)}`).join("; ") || "no lead"}`];
    const before = stored.settings.leads;
    const lines = [];
    for (const number of [...new Set([...before, ...now].map((l) => l.lead))].sort()) {
      const a = before.find((l) => l.lead === number);
      const b = now.find((l) => l.lead === number);
      if (!a) { lines.push(`Lead ${number} added: ${describeLead(b)}`); continue; }
      if (!b) { lines.push(`Lead ${number} removed from the group`); continue; }
      if (a.contacts.join("") !== b.contacts.join("")) lines.push(`Lead ${number} contacts: ${a.contacts.join("")} → ${b.contacts.join("")}`);
      for (const name of FIELDS) {
        if (a[name] !== b[name]) lines.push(`Lead ${number} ${LABELS[name].toLowerCase()}: ${a[name]} → ${b[name]} ${unit(name)}`);
      }
    }
    if (stored.for_patient_use !== forPatient) lines.push(`For patient use: ${stored.for_patient_use ? "yes" : "no"} → ${forPatient ? "yes" : "no"}`);
    return lines;
  }

  function showChanges() {
    const lines = differences();
    document.getElementById("changes").replaceChildren(...(lines.length ? lines : ["No change to the saved group."]).map((t) => el("li", {}, t)));
  }

  // Save and Propose run only while the device's check of the group as edited is "safe";
  // the server checks again either way.
  function showVerdict() {
    const ok = mayProgram && verdict === true;
    document.getElementById("save-program").disabled = !ok;
    const hint = document.getElementById("save-hint");
    hint.hidden = ok || !mayProgram;
    hint.textContent = verdict === null ? "Checking with the device…" : "Save is off: the device refuses this group (see the safety check).";
    const send = document.getElementById("send-proposal");
    if (send) {
      send.disabled = !ok;
      const text = document.getElementById("proposal-verdict");
      text.className = verdict === true ? "ok" : verdict === null ? "muted" : "error";
      text.textContent = verdict === true ? `Safety check: safe. The patient will be asked to accept "${groupName()}".`
        : verdict === null ? "Waiting for the safety check." : "Safety check: refused. Change the group before proposing it.";
    }
  }

  function changed() {
    verdict = null;
    showVerdict();
    showChanges();
    document.dispatchEvent(new CustomEvent("drg:program-changed", { detail: { device, settings: settings() } }));
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  }

  function safetyView(result) {
    const report = result.report || {};
    const contacts = report.contacts || [];
    const errors = report.errors || [];
    const warnings = report.warnings || [];
    return [
      el("p", { id: "safety-verdict", class: result.safe ? "ok" : "error" }, result.safe ? "Safe: the device accepts this group." : "Refused by the device."),
      errors.length ? el("ul", { id: "safety-errors", class: "error" }, errors.map((e) => el("li", {}, e))) : null,
      warnings.length ? el("ul", { class: "warn" }, warnings.map((w) => el("li", {}, w))) : null,
      contacts.length ? el("table", { id: "safety-table" },
        el("thead", {}, el("tr", {}, ["Lead / contact", "Charge (µC)", "Density (µC/cm²)", "Shannon k"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, contacts.map((c) => el("tr", { class: c.ok === false ? "error" : "" },
          el("td", {}, `Lead ${c.lead} ${c.contact}`), el("td", {}, fmt(c.charge_uC, 3)),
          el("td", {}, fmt(c.density_uC_per_cm2, 2)), el("td", {}, fmt(c.shannon_k, 2)))))) : null,
    ];
  }

  async function check() {
    const box = document.getElementById("safety");
    const body = settings();
    const mine = ++checks;
    if (body.leads.length === 0) {
      verdict = false;
      showVerdict();
      box.replaceChildren(el("p", { class: "muted" }, "Set a cathode (−) and an anode (+) on a lead."));
      return;
    }
    try {
      const result = await api("POST", `/devices/${device.id}/check`, { settings: body, name: stored ? stored.name : null });
      if (mine !== checks) return;
      verdict = result.safe;
      box.replaceChildren(...safetyView(result).filter(Boolean));
    } catch (e) {
      if (mine !== checks) return;
      verdict = false;
      box.replaceChildren(el("p", { class: "error" }, refusal(e, body)));
    }
    showVerdict();
  }

  // A refusal in words: which lead and setting, the device's reason, what it allows
  // (the API names the request's field, e.g. settings.leads[0].amplitude_uA).
  function refusal(error, body) {
    const d = Array.isArray(error.detail) ? error.detail[0] : null;
    if (!d || typeof d !== "object" || !d.field) return error.message;
    const m = /^settings\.leads\[(\d+)\]\.(\w+)$/.exec(d.field);
    const lead = m && body && body.leads[Number(m[1])];
    const what = lead ? `Lead ${lead.lead} ${(LABELS[m[2]] || m[2]).toLowerCase()}${FIELDS.includes(m[2]) ? ` ${d.value} ${unit(m[2])}` : ""}` : null;
    const why = d.reason || (what ? "not allowed" : d.message);
    return `${what ? `${what}: ` : ""}${why}. Allowed: ${d.allowed}.`;
  }

  // Ask before anything overwrites a stored group; resolves true when confirmed.
  function confirmChange(title, lines) {
    const dialog = document.getElementById("confirm-change");
    document.getElementById("confirm-change-title").textContent = title;
    document.getElementById("confirm-change-list").replaceChildren(...lines.map((t) => el("li", {}, t)));
    dialog.returnValue = "";
    dialog.showModal();
    return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true }));
  }

  const groupName = () => document.getElementById("group-name").value.trim();

  async function save() {
    const out = document.getElementById("save-result");
    out.replaceChildren();
    const body = { for_patient_use: document.getElementById("for-patient").checked, settings: settings() };
    if (stored) {
      const lines = differences();
      if (lines.length === 0) { out.replaceChildren(el("p", { class: "muted" }, "Nothing to save: the group is unchanged.")); return; }
      if (!(await confirmChange(`Overwrite the group "${stored.name}"?`, lines))) { out.replaceChildren(el("p", { class: "muted" }, "Not saved.")); return; }
    }
    try {
      const saved = stored
        ? await api("PATCH", `/programs/${stored.id}`, { ...body, version: stored.version })
        : await api("POST", `/devices/${device.id}/programs`, { name: groupName(), ...body });
      out.replaceChildren(el("p", { class: "ok" }, `Group "${saved.name}" saved${saved.for_patient_use ? " (for patient use)" : ""}.`));
      await loadPrograms();
      loadGroup(programs.find((p) => p.id === saved.id));
    } catch (e) {
      out.replaceChildren(el("div", { class: "refused" }, el("p", { class: "error" }, "Not saved. The device refused it: ", refusal(e, body.settings))));
    }
  }

  function blankLead(info) {
    const d = (name) => grid.parameters[name].default;
    return { lead: info.lead, contacts: Array(grid.contacts_per_lead).fill(OFF), amplitude_uA: d("amplitude_uA"), patient_max_uA: d("amplitude_uA"), pulse_width_us: d("pulse_width_us"), frequency_Hz: d("frequency_Hz") };
  }

  function showStatus() {
    const box = document.getElementById("program-status");
    if (!stored) { box.className = "muted"; box.textContent = "A new group: not saved on the device yet."; return; }
    const reasons = Object.entries(stored.safety.disabled || {});
    box.className = stored.deliverable ? "ok" : "error";
    box.textContent = stored.deliverable
      ? `Saved group "${stored.name}" (version ${stored.version}).`
      : `Group "${stored.name}" is disabled: ${reasons.map(([lead, why]) => `lead ${lead}: ${why}`).join("; ")}. Reprogram it to run it again.`;
  }

  // Show a saved group (or, with no program, a new one) in the editor.
  function loadGroup(program) {
    stored = program || null;
    if (stored) {
      document.getElementById("group-name").value = stored.name;
      document.getElementById("for-patient").checked = stored.for_patient_use;
    }
    const leads = stored ? stored.settings.leads : [];
    state = device.leads.map((info) => ({ ...blankLead(info), ...(leads.find((l) => l.lead === info.lead) || {}) }));
    render();
    showStatus();
    changed();
    loadHistory().catch((e) => drg.toast(e.message));
  }

  async function loadPrograms() {
    programs = await all(`/devices/${device.id}/programs`);
    if (stored) stored = programs.find((p) => p.id === stored.id) || null;
    showStatus();
    const list = document.getElementById("groups-list");
    list.replaceChildren(programs.length ? "Groups on this device: " : "No groups saved yet.",
      ...programs.map((p) => el("button", { type: "button", class: "secondary", onclick: () => loadGroup(p) }, `${p.name}${p.for_patient_use ? " (patient)" : ""}${p.deliverable ? "" : " (disabled)"}`)));
  }

  function historyRow(entry, index) {
    const what = entry.settings ? entry.settings.leads.map((l) => `lead ${l.lead} ${describeLead(l)}`).join("; ") : "(settings no longer readable)";
    const restore = index > 0 && entry.settings && mayProgram
      ? el("button", { type: "button", class: "secondary", "aria-label": `Restore the version of ${entry.at.slice(0, 19).replace("T", " ")}`, onclick: () => restoreVersion(entry) }, "Restore")
      : el("span", { class: "muted" }, index === 0 ? "current" : "");
    return el("tr", {}, el("td", {}, `${entry.at.slice(0, 19).replace("T", " ")} UTC`), el("td", {}, entry.actor), el("td", {}, what), el("td", {}, restore));
  }

  async function loadHistory() {
    const box = document.getElementById("history");
    if (!stored) { box.replaceChildren(el("p", { class: "muted" }, "Load a saved group to see its history.")); return; }
    const entries = await api("GET", `/programs/${stored.id}/history`);
    box.replaceChildren(el("table", { id: "history-table" },
      el("thead", {}, el("tr", {}, ["When", "Who", "What", ""].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, entries.map(historyRow))));
  }

  async function restoreVersion(entry) {
    const lines = entry.settings.leads.map((l) => `Lead ${l.lead}: ${describeLead(l)}`);
    if (!(await confirmChange(`Restore "${stored.name}" as saved by ${entry.actor}?`, lines))) return;
    try {
      const saved = await api("POST", `/programs/${stored.id}/restore`, { audit_id: entry.audit_id, version: stored.version });
      drg.toast(`Group "${saved.name}" restored.`);
      await loadPrograms();
      loadGroup(programs.find((p) => p.id === saved.id));
    } catch (e) { drg.toast(e.message); }
  }

  // The programming session: the record of this visit's programming (started/ended).
  let session = null;
  function showSession() {
    document.getElementById("session-state").textContent = session
      ? `Programming session open since ${session.started_at.slice(11, 16)} UTC.` : "No programming session open.";
    document.getElementById("session-toggle").textContent = session ? "End programming session" : "Start programming session";
  }
  async function loadSession() {
    const sessions = await all(`/devices/${device.id}/programming-sessions`);
    session = sessions.find((s) => !s.ended_at) || null;
    showSession();
  }
  document.getElementById("session-toggle").addEventListener("click", async () => {
    try {
      session = session
        ? (await api("PATCH", `/programming-sessions/${session.id}`, { ended: true, version: session.version }), null)
        : await api("POST", `/devices/${device.id}/programming-sessions`, { notes: "" });
      showSession();
    } catch (e) { drg.toast(e.message); }
  });

  async function selectDevice(id, devices) {
    device = devices.find((d) => d.id === id);
    document.getElementById("device-info").textContent = `${device.kind.replace("_", " ")} ${device.serial}: ${device.leads.length} lead(s).`;
    document.getElementById("programmer").hidden = false;
    stored = null;
    await loadPrograms().catch((e) => drg.toast(e.message));
    loadGroup(programs[0] || null);
    await loadSession().catch((e) => drg.toast(e.message));
    await loadProposals().catch((e) => drg.toast(e.message));
  }

  // Remote care: the group as edited, proposed to the patient (who accepts or declines it
  // on the controller page); the list shows each proposal's answer.
  const ANSWERS = { pending: "waiting for the patient", accepted: "accepted", declined: "declined" };
  async function loadProposals() {
    const box = document.getElementById("proposal-list");
    const items = await api("GET", `/devices/${device.id}/proposals`);
    if (!items.length) { box.replaceChildren(el("p", { class: "muted" }, "None yet.")); return; }
    const when = (t) => `${t.slice(0, 16).replace("T", " ")} UTC`;
    box.replaceChildren(el("table", { id: "proposals-table" },
      el("thead", {}, el("tr", {}, ["Sent", "Group", "Settings", "Note", "Answer"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, items.map((p) => el("tr", { "data-status": p.status, "data-id": p.id },
        el("td", {}, when(p.created_at)), el("td", {}, p.program_name),
        el("td", {}, p.settings.leads.map((l) => `lead ${l.lead} ${describeLead(l)}`).join("; ")),
        el("td", {}, p.note || "–"),
        el("td", { class: p.status === "pending" ? "" : p.status === "accepted" ? "ok" : "warn" },
          `${ANSWERS[p.status] || p.status}${p.decided_at ? ` (${when(p.decided_at)})` : ""}`))))));
  }

  const proposalForm = document.getElementById("proposal-form");
  if (proposalForm) {
    proposalForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const out = document.getElementById("proposal-result");
      out.replaceChildren();
      const body = settings();
      try {
        const sent = await api("POST", `/devices/${device.id}/proposals`, { program_name: groupName(), settings: body, note: document.getElementById("proposal-note").value.trim() });
        out.replaceChildren(el("span", { class: "ok" }, `Proposed "${sent.program_name}" to the patient: it waits for their answer.`));
        document.getElementById("proposal-note").value = "";
        await loadProposals();
      } catch (e) {
        out.replaceChildren(el("span", { class: "error" }, "Not sent. The device refused it: ", refusal(e, body)));
      }
    });
  }

  // The name says which group a save writes: the changes are listed against that saved
  // group (the buttons above load a saved group into the editor), or it is a new one.
  document.getElementById("group-name").addEventListener("input", () => {
    stored = programs.find((p) => p.name === groupName()) || null;
    showStatus();
    changed();
    loadHistory().catch((e) => drg.toast(e.message));
  });
  document.getElementById("for-patient").addEventListener("change", changed);

  // "L5 left, S1 left" -> [{lead: 1, level: "L5", side: "left"}, ...]
  function parseLeads(text) {
    return text.split(",").map((part) => part.trim()).filter(Boolean).map((part, i) => {
      const [level, side] = part.split(/\s+/);
      return { lead: i + 1, level: (level || "").toUpperCase(), side: (side || "").toLowerCase() };
    });
  }

  const deviceForm = document.getElementById("device-form");
  if (deviceForm) {
    deviceForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = document.getElementById("device-error");
      drg.showError(error, null);
      const f = drg.formData(deviceForm);
      try {
        await api("POST", `/patients/${pid}/devices`, { kind: f.kind, serial: f.serial, leads: parseLeads(f.leads || "") });
        drg.toast(`Device ${f.serial} registered.`);
        window.location.reload();
      } catch (e) { drg.showError(error, e); }
    });
  }

  async function load() {
    grid = await api("GET", "/device/grid");
    const devices = await all(`/patients/${pid}/devices`);
    if (devices.length === 0) { document.getElementById("device-info").textContent = "No device recorded for this patient."; return; }
    const select = document.getElementById("device-select");
    select.replaceChildren(...devices.map((d) => el("option", { value: d.id }, `${d.kind.replace("_", " ")} ${d.serial}`)));
    document.getElementById("device-picker").hidden = devices.length < 2;
    select.addEventListener("change", () => selectDevice(select.value, devices));
    await selectDevice(devices[0].id, devices);
  }
  document.getElementById("save-program").addEventListener("click", save);
  load().catch((e) => { document.getElementById("device-info").textContent = e.message; });
})();
