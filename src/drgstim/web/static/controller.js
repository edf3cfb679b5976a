// Patient controller: on/off per region (one region = one lead), amplitude steps inside
// the clinician's limit (shown as a bar), group select among patient groups, all off.
"use strict";
(() => {
  const { api, all, el, showError } = drg;
  const root = document.getElementById("controller-page");
  const pid = root.dataset.patient;
  const errorBox = document.getElementById("controller-error");
  let device = null;

  async function act(action, extra = {}) {
    showError(errorBox, null);
    try {
      render(await api("POST", `/devices/${device.id}/controller`, { action, ...extra }));
    } catch (e) { showError(errorBox, e); }
  }

  function regionCard(lead) {
    const name = lead.region || lead.label || `Lead ${lead.lead}`;
    const amp = Number(lead.amplitude_uA ?? 0), max = Number(lead.max_amplitude_uA ?? lead.patient_max_uA ?? lead.max_uA ?? 0);
    const pct = max > 0 ? Math.round((100 * amp) / max) : 0;
    const on = Boolean(lead.on ?? lead.enabled);
    return el("section", { class: "region-card", "aria-label": name },
      el("h2", {}, name),
      el("div", { class: "row big" },
        el("button", { type: "button", "aria-pressed": on ? "true" : "false", class: on ? "" : "secondary",
          onclick: () => act(on ? "off" : "on", { lead: lead.lead }) }, on ? `${name}: on` : `${name}: off`),
        el("button", { type: "button", class: "secondary", "aria-label": `${name} weaker`, disabled: !on || amp <= 0, onclick: () => act("step_down", { lead: lead.lead }) }, "−"),
        el("button", { type: "button", class: "secondary", "aria-label": `${name} stronger`, disabled: !on || amp >= max, onclick: () => act("step_up", { lead: lead.lead }) }, "+")),
      el("div", { class: "level", role: "meter", "aria-label": `${name} level`, "aria-valuemin": 0, "aria-valuemax": max, "aria-valuenow": amp, "aria-valuetext": `${pct} % of your maximum` },
        el("span", { style: `width: ${pct}%` })),
      el("p", { class: "muted" }, `${pct} % of the maximum your clinician set`));
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
    const facts = [status.serial || device.serial, status.implanted_on ? `lead implanted ${status.implanted_on}` : null, status.clinic || null].filter(Boolean);
    document.getElementById("controller-info").textContent = `Stimulator ${facts.join(" · ")}`;
  }

  document.getElementById("group-select").addEventListener("change", (event) => act("select_group", { group: event.target.value }));
  document.getElementById("restore").addEventListener("click", () => act("restore"));
  document.getElementById("all-off").addEventListener("click", () => document.getElementById("confirm-off").showModal());
  document.getElementById("confirm-off").addEventListener("close", (event) => {
    if (event.target.returnValue === "confirm") act("all_off", { confirm: true });
  });

  async function load() {
    const devices = await all(`/patients/${pid}/devices`);
    device = devices.find((d) => d.kind === "ipg") || devices[0] || null;
    if (!device) { document.getElementById("controller-info").textContent = "No stimulator is linked to your record yet."; return; }
    document.getElementById("controller-info").textContent = `Stimulator ${device.serial} (${device.kind.replace("_", " ")})`;
    document.getElementById("controller").hidden = false;
    await act("status");
  }
  load().catch((e) => { document.getElementById("controller-info").textContent = e.message; });
})();
