// Clinician programmer: per lead, contact polarity (+ / − / off), amplitude, pulse width
// and frequency on the device grid, impedance; live safety check by the server; groups.
"use strict";
(() => {
  const { api, all, el, fmt } = drg;
  const root = document.getElementById("programmer-page");
  const pid = root.dataset.patient;
  const mayProgram = root.dataset.mayProgram === "yes";
  const grid = JSON.parse(document.getElementById("device-grid").textContent);
  const CONTACTS = grid.contacts_per_lead.value;
  const POLARITIES = [["+", "anode"], ["-", "cathode"], ["off", "off"]];
  let device = null;
  let programs = [];
  let state = []; // one entry per lead: {lead, contacts: [...], amplitude_uA, patient_max_uA, pulse_width_us, frequency_Hz}
  let timer = null;

  // The patient's maximum is an amplitude, so it lives on the amplitude grid.
  const GRID_OF = { patient_max_uA: "amplitude_uA" };
  const gridOf = (name) => grid[GRID_OF[name] || name];
  const stepValue = (name, value, direction) => drg.stepValue(gridOf(name), value, direction);
  const snap = (name, value) => drg.snapToGrid(gridOf(name), value);

  const UNITS = { amplitude_uA: "µA", patient_max_uA: "µA", pulse_width_us: "µs", frequency_Hz: "Hz" };
  const LABELS = { amplitude_uA: "Amplitude", patient_max_uA: "Patient maximum", pulse_width_us: "Pulse width", frequency_Hz: "Frequency" };
  const FIELDS = ["amplitude_uA", "patient_max_uA", "pulse_width_us", "frequency_Hz"];

  // The patient controller steps between 0 and the patient maximum, which can never be
  // below the programmed amplitude: raising one raises the other, lowering the maximum
  // below the amplitude lowers the amplitude too.
  function coupled(lead, name, value) {
    lead[name] = value;
    if (name === "amplitude_uA" && lead.patient_max_uA < value) lead.patient_max_uA = value;
    if (name === "patient_max_uA" && lead.amplitude_uA > value) lead.amplitude_uA = value;
  }

  function stepper(lead, name) {
    const id = `lead${lead.lead}-${name}`;
    const input = el("input", { id, type: "number", min: gridOf(name).min, max: gridOf(name).max, value: lead[name], disabled: !mayProgram });
    const set = (value) => {
      const before = { amplitude_uA: lead.amplitude_uA, patient_max_uA: lead.patient_max_uA };
      coupled(lead, name, value);
      input.value = lead[name];
      if (before.amplitude_uA !== lead.amplitude_uA || before.patient_max_uA !== lead.patient_max_uA) {
        for (const other of ["amplitude_uA", "patient_max_uA"]) {
          const box = document.getElementById(`lead${lead.lead}-${other}`);
          if (box) box.value = lead[other];
        }
      }
      changed();
    };
    input.addEventListener("change", () => set(snap(name, Number(input.value))));
    return el("div", { class: "field" }, el("label", { for: id }, `${LABELS[name]} (${UNITS[name]})`),
      el("div", { class: "stepper" },
        el("button", { type: "button", class: "secondary", "aria-label": `Lead ${lead.lead} ${LABELS[name].toLowerCase()} down`, disabled: !mayProgram, onclick: () => set(stepValue(name, lead[name], -1)) }, "−"),
        input,
        el("button", { type: "button", class: "secondary", "aria-label": `Lead ${lead.lead} ${LABELS[name].toLowerCase()} up`, disabled: !mayProgram, onclick: () => set(stepValue(name, lead[name], 1)) }, "+")));
  }

  function contactControl(lead, index) {
    const buttons = POLARITIES.map(([value, word]) => el("button", {
      type: "button", "aria-pressed": lead.contacts[index] === value ? "true" : "false", disabled: !mayProgram,
      "aria-label": `Lead ${lead.lead} contact ${index + 1} ${word}`, title: word,
      onclick: () => {
        // Changing the contact configuration resets the amplitude (and so the patient's
        // range) to 0, as the device's clinician session does.
        if (lead.contacts[index] !== value) { lead.contacts[index] = value; lead.amplitude_uA = 0; lead.patient_max_uA = 0; render(); changed(); }
      },
    }, value === "-" ? "−" : value));
    return el("div", { class: "contact" }, el("span", {}, `E${index + 1}`), el("div", { class: "polarity", role: "group", "aria-label": `Lead ${lead.lead} contact ${index + 1}` }, buttons));
  }

  function impedanceControl(info) {
    const id = `lead${info.lead}-impedance`;
    const input = el("input", { id, type: "number", min: 1, step: 1, value: info.impedance_ohm ?? "", disabled: !mayProgram });
    return el("div", { class: "row" }, el("label", { for: id }, "Impedance (Ω)"), input,
      el("button", { type: "button", class: "secondary", disabled: !mayProgram, onclick: async () => {
        const leads = device.leads.map((l) => (l.lead === info.lead ? { ...l, impedance_ohm: Number(input.value) } : l));
        try { device = await api("PATCH", `/devices/${device.id}`, { leads, version: device.version }); drg.toast(`Impedance of lead ${info.lead} saved.`); changed(); }
        catch (e) { drg.toast(e.message); }
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

  function settings() {
    return { leads: state.map((l) => ({ ...l, contacts: [...l.contacts] })) };
  }

  function changed() {
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
      el("p", { id: "safety-verdict", class: result.safe ? "ok" : "error" }, result.safe ? "Safe: within the device rules and charge limits." : "Refused by the safety check."),
      errors.length ? el("ul", { id: "safety-errors", class: "error" }, errors.map((e) => el("li", {}, typeof e === "string" ? e : e.message))) : null,
      warnings.length ? el("ul", { class: "warn" }, warnings.map((w) => el("li", {}, typeof w === "string" ? w : w.message))) : null,
      contacts.length ? el("table", { id: "safety-table" },
        el("thead", {}, el("tr", {}, ["Lead / contact", "Charge (µC)", "Density (µC/cm²)", "Shannon k"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, contacts.map((c) => el("tr", { class: c.ok === false ? "error" : "" },
          el("td", {}, `Lead ${c.lead} E${c.contact}`), el("td", {}, fmt(c.charge_uC, 3)),
          el("td", {}, fmt(c.density_uC_per_cm2, 2)), el("td", {}, fmt(c.shannon_k, 2)))))) : null,
    ];
  }

  async function check() {
    const box = document.getElementById("safety");
    try {
      const result = await api("POST", `/devices/${device.id}/check`, { settings: settings() });
      box.replaceChildren(...safetyView(result).filter(Boolean));
    } catch (e) {
      box.replaceChildren(el("p", { class: "error" }, e.message));
    }
  }

  async function save() {
    const out = document.getElementById("save-result");
    out.replaceChildren();
    const name = document.getElementById("group-name").value.trim();
    const body = { for_patient_use: document.getElementById("for-patient").checked, settings: settings() };
    const existing = programs.find((p) => p.name === name);
    try {
      const saved = existing
        ? await api("PATCH", `/programs/${existing.id}`, { ...body, version: existing.version })
        : await api("POST", `/devices/${device.id}/programs`, { name, ...body });
      out.replaceChildren(el("p", { class: "ok" }, `Group "${saved.name}" saved${saved.for_patient_use ? " (for patient use)" : ""}.`));
      await loadPrograms();
    } catch (e) {
      out.replaceChildren(el("div", { class: "refused" }, el("p", { class: "error" }, "Refused: ", e.message)));
    }
  }

  function blankLead(info) {
    return { lead: info.lead, contacts: Array(CONTACTS).fill("off"), amplitude_uA: grid.amplitude_uA.default, patient_max_uA: grid.amplitude_uA.default, pulse_width_us: grid.pulse_width_us.default, frequency_Hz: grid.frequency_Hz.default };
  }

  function loadGroup(program) {
    document.getElementById("group-name").value = program.name;
    document.getElementById("for-patient").checked = program.for_patient_use;
    const leads = (program.settings && program.settings.leads) || [];
    state = device.leads.map((info) => {
      const lead = { ...blankLead(info), ...(leads.find((l) => l.lead === info.lead) || {}) };
      // Groups saved before the patient maximum existed: the maximum is the amplitude.
      if (!(lead.patient_max_uA >= lead.amplitude_uA)) lead.patient_max_uA = lead.amplitude_uA;
      return lead;
    });
    render();
    changed();
  }

  async function loadPrograms() {
    programs = await all(`/devices/${device.id}/programs`);
    const list = document.getElementById("groups-list");
    list.replaceChildren(programs.length ? "Groups on this device: " : "No groups saved yet.",
      ...programs.map((p) => el("button", { type: "button", class: "secondary", onclick: () => loadGroup(p) }, `${p.name}${p.for_patient_use ? " (patient)" : ""}`)));
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
    state = device.leads.map(blankLead);
    document.getElementById("programmer").hidden = false;
    render();
    await loadPrograms().catch((e) => drg.toast(e.message));
    await loadSession().catch((e) => drg.toast(e.message));
  }

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
