// Patient controller: on/off per region (one region = one lead), amplitude steps inside
// the clinician's limit (shown as a bar), group select among patient groups, all off.
"use strict";
(() => {
  const { api, all, el, showError } = drg;
  const root = document.getElementById("controller-page");
  const pid = root.dataset.patient;
  const errorBox = document.getElementById("controller-error");
  const areas = JSON.parse(root.dataset.areas || "{}");
  let device = null;

  // Keep keyboard focus on the control that was pressed: every button has a data-key, and
  // after the page is redrawn the button with the same key takes the focus back.
  async function act(action, extra = {}) {
    showError(errorBox, null);
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
    const state = document.getElementById("controller-state");
    try {
      render(await api("POST", `/devices/${device.id}/controller`, { action, ...extra }));
      state.textContent = action === "status" ? "" : "The stimulator took the change.";
      if (action !== "status") usage().catch(() => {});
    } catch (e) {
      // No answer, or the server failed: the connection line says so (a refusal is shown).
      if (!e.status || e.status >= 500) showConnection(false);
      else showError(errorBox, e);
    }
    if (focused) document.querySelector(`[data-key="${focused}"]`)?.focus();
  }

  // The body area a lead treats, in the patient's words (from their pain map), with the
  // lead's level as a detail; "Lead 2" when the record does not say.
  function areaName(lead) {
    const site = (device.leads || []).find((l) => l.lead === lead.lead) || lead;
    const key = site.level && site.side ? `${site.level}:${site.side}` : null;
    return (key && areas[key]) || `Lead ${lead.lead}`;
  }
  // Two leads that treat the same area are told apart by their nerve root.
  function areaOf(lead) {
    const site = (device.leads || []).find((l) => l.lead === lead.lead) || lead;
    const detail = site.level ? `lead at the ${site.side || ""} ${site.level} nerve root`.replace("  ", " ") : `lead ${lead.lead}`;
    const name = areaName(lead);
    const shared = (device.leads || []).some((l) => l.lead !== lead.lead && areaName(l) === name);
    return { name: shared && site.level ? `${name} (${site.level})` : name, detail };
  }

  function regionCard(lead) {
    const { name, detail } = areaOf(lead);
    const amp = Number(lead.amplitude_uA ?? 0), max = Number(lead.max_amplitude_uA ?? lead.patient_max_uA ?? lead.max_uA ?? 0);
    const on = Boolean(lead.on ?? lead.enabled);
    const pct = on && max > 0 ? Math.round((100 * amp) / max) : 0; // an empty bar while off
    const k = `lead-${lead.lead}`;
    return el("section", { class: "region-card", "aria-label": name },
      el("h2", {}, name),
      el("p", { class: "small" }, detail),
      el("div", { class: "row big" },
        el("button", { type: "button", "data-key": `${k}-power`, "aria-pressed": on ? "true" : "false", class: on ? "" : "secondary",
          onclick: () => act(on ? "off" : "on", { lead: lead.lead }) }, on ? `${name}: on` : `${name}: off`),
        el("button", { type: "button", "data-key": `${k}-down`, class: "secondary", "aria-label": `${name} weaker`, disabled: !on || amp <= 0, onclick: () => act("step_down", { lead: lead.lead }) }, "−"),
        el("button", { type: "button", "data-key": `${k}-up`, class: "secondary", "aria-label": `${name} stronger`, disabled: !on || amp >= max, onclick: () => act("step_up", { lead: lead.lead }) }, "+")),
      el("div", { class: "level", role: "meter", "aria-label": `${name} level`, "aria-valuemin": 0, "aria-valuemax": max, "aria-valuenow": on ? amp : 0, "aria-valuetext": on ? `${pct} % of your maximum` : "off" },
        el("span", { class: "fill", "data-pct": pct })),
      el("p", { class: "muted" }, on ? `${pct} % of the maximum your clinician set` : "Off"));
  }

  // Recent presses on the controller, in words, newest first.
  const WORDS = { region_on: "turned on", region_off: "turned off", amplitude: "level changed", select_group: "program changed", all_off: "all stimulation turned off", all_on: "stimulation turned on" };
  async function usage() {
    const list = document.getElementById("usage");
    const { items } = await api("GET", `/devices/${device.id}/usage`);
    list.replaceChildren(...items.slice(0, 10).map((u) => {
      // the usage names a region by its lead's channel number, as stored
      const lead = typeof u.lead === "number" ? (device.leads || []).find((l) => l.lead === u.lead) : null;
      const where = lead ? areaOf({ lead: lead.lead }).name : "";
      const what = u.action === "amplitude" && typeof u.new === "number" ? `level changed to ${u.new} µA` : (WORDS[u.action] || u.action.replaceAll("_", " "));
      return el("li", {}, el("time", { datetime: u.at }, u.at.slice(0, 16).replace("T", " ")), " ", where ? `${where}: ${what}` : what);
    }));
    if (!items.length) list.replaceChildren(el("li", {}, "Nothing yet."));
  }

  // Bar widths are set from script (a strict style policy allows no inline style="").
  function fillBars() {
    for (const bar of document.querySelectorAll(".level .fill")) bar.style.width = `${bar.dataset.pct}%`;
  }

  function render(status) {
    const leads = status.leads || status.regions || [];
    const groups = status.groups || [];
    const select = document.getElementById("group-select");
    select.closest(".row").hidden = groups.length === 0;
    select.replaceChildren(...groups.map((g) => {
      const name = typeof g === "string" ? g : g.name;
      return el("option", { value: name, selected: name === (status.group || status.active_group) }, name);
    }));
    document.getElementById("regions").replaceChildren(...leads.map(regionCard));
    // After "all off", restore brings back exactly the regions that were on.
    document.getElementById("all-off").hidden = status.stimulation_on === false;
    document.getElementById("restore").hidden = status.stimulation_on !== false;
    fillBars();
    const facts = [`Stimulator ${status.serial}`, status.group ? `program in use: ${status.group}` : null];
    document.getElementById("controller-info").textContent = facts.filter(Boolean).join(" · ");
    showBattery(status);
    showConnection(status.connected !== false);
  }

  // The battery as the device model reports it (its service state and, for an implanted
  // generator, the years left at the settings running now), in plain words.
  function showBattery(status) {
    const box = document.getElementById("controller-battery");
    const years = status.battery_years_left;
    const left = years === null || years === undefined ? ""
      : years >= 1 ? ` It lasts about ${years.toFixed(1)} years more at these settings.`
        : ` It lasts about ${Math.max(1, Math.round(years * 12))} month(s) more at these settings.`;
    const words = {
      ok: ["ok", `Battery: good.${left}`],
      eri: ["warn", `Battery: low. The generator needs replacing soon: call your clinic to plan it.${left}`],
      eos: ["error", "Battery: empty. Stimulation has stopped: call your clinic."],
    }[status.battery] || ["muted", "Battery: not reported."];
    box.className = words[0];
    box.textContent = words[1];
  }

  function showConnection(connected) {
    const box = document.getElementById("controller-connection");
    document.getElementById("device-state").hidden = false;
    box.className = connected ? "ok" : "error";
    const whose = root.dataset.self === "yes" ? "your" : "the";
    box.textContent = connected ? `Connected to ${whose} stimulator.` : `Not connected to ${whose} stimulator: the settings did not change. Try again.`;
  }

  document.getElementById("group-select").addEventListener("change", (event) => act("select_group", { group: event.target.value }));
  document.getElementById("restore").addEventListener("click", () => act("restore"));
  document.getElementById("all-off").addEventListener("click", () => document.getElementById("confirm-off").showModal());
  document.getElementById("confirm-off").addEventListener("close", (event) => {
    if (event.target.returnValue === "confirm") act("all_off", { confirm: true });
  });

  async function load() {
    const devices = await all(`/patients/${pid}/devices`);
    // The newest generator, else the newest trial stimulator: the one in use now.
    const newest = (list) => (list.length ? list[list.length - 1] : null);
    device = newest(devices.filter((d) => d.kind === "ipg")) || newest(devices);
    if (!device) {
      const whose = root.dataset.self === "yes" ? "your" : "the patient's";
      document.getElementById("controller-info").textContent = `No stimulator is linked to ${whose} record yet.`;
      document.getElementById("usage").replaceChildren(el("li", {}, "Nothing yet."));
      return;
    }
    document.getElementById("controller-info").textContent = `Stimulator ${device.serial} (${device.kind.replace("_", " ")})`;
    document.getElementById("controller").hidden = false;
    await act("status");
    await usage();
  }
  load().catch((e) => { document.getElementById("controller-info").textContent = e.message; });
})();
