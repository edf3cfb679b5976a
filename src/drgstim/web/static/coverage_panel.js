// Predicted coverage panel on the programmer page. Listens for "drg:program-changed"
// (sent by programmer.js with the device and the edited settings), starts a coverage job
// on the server, shows its progress, then shades the body map by each region's Aβ
// activated fraction. Only the newest request's answer is shown.
"use strict";
(() => {
  const { api, el } = drg;
  const panel = document.getElementById("coverage-panel");
  if (!panel) return;
  const status = document.getElementById("coverage-status");
  const bar = document.getElementById("coverage-progress");
  const table = document.getElementById("coverage-table");
  const neurons = document.getElementById("coverage-neurons");
  let latest = 0;
  let last = null;
  const pct = (x) => (x === null || x === undefined ? "–" : `${Math.round(100 * x)} %`);

  function request(device, settings) {
    const leads = [];
    for (const lead of settings.leads) {
      const info = (device.leads || []).find((l) => l.lead === lead.lead) || {};
      const contacts = lead.contacts.map((c) => (c === "off" ? "0" : c)).join("");
      if (!info.level || !contacts.includes("-") || !contacts.includes("+") || !(lead.amplitude_uA > 0)) continue;
      leads.push({
        lead: `${info.level}:${info.side}`, contacts, amplitude_uA: lead.amplitude_uA,
        pulse_width_us: lead.pulse_width_us, frequency_Hz: lead.frequency_Hz,
        impedance_ohm: info.impedance_ohm || null,
      });
    }
    return leads.length ? { leads, neurons: Number(neurons.value) } : null;
  }

  function shade(result) {
    panel.querySelectorAll("svg.bodymap .region").forEach((r) => { r.style.fill = ""; r.removeAttribute("data-coverage"); });
    const rows = [];
    for (const r of result.regions) {
      const shape = panel.querySelector(`svg.bodymap #region-${r.region}-${r.side}`);
      const a = r.activated.abeta;
      if (shape) {
        shape.style.fill = `rgba(32, 112, 200, ${Math.min(1, 0.1 + 0.9 * a).toFixed(2)})`;
        shape.setAttribute("data-coverage", a.toFixed(3));
      }
      rows.push(el("tr", {}, el("td", {}, r.region.replace(/_/g, " ")), el("td", {}, r.side),
        el("td", {}, pct(a)), el("td", {}, pct(r.activated.adelta)), el("td", {}, pct(r.activated.c))));
    }
    table.querySelector("tbody").replaceChildren(...rows);
    table.hidden = rows.length === 0;
    const ac = result.adelta_c_activation;
    status.textContent = `Aδ activated ${pct(ac.adelta)}, C ${pct(ac.c)} (risk of uncomfortable stimulation).`;
  }

  async function run(device, settings) {
    const body = request(device, settings);
    const mine = ++latest;
    if (!body) { status.textContent = "Set a cathode (−) and an anode (+) on a lead."; return; }
    status.textContent = "Predicting coverage…";
    try {
      let job = await api("POST", "/therapy/coverage/jobs", body);
      bar.hidden = false;
      while (job.state === "running") {
        if (mine !== latest) return;
        bar.max = job.total || 1; bar.value = job.done || 0;
        await new Promise((ok) => setTimeout(ok, 700));
        job = await api("GET", `/therapy/jobs/${job.id}`);
      }
      if (mine !== latest) return;
      bar.hidden = true;
      if (job.state === "failed") { status.textContent = job.error; return; }
      shade(job.result);
    } catch (e) {
      if (mine === latest) { bar.hidden = true; status.textContent = e.message; }
    }
  }

  let timer = null;
  document.addEventListener("drg:program-changed", (event) => {
    last = event.detail;
    clearTimeout(timer);
    timer = setTimeout(() => run(last.device, last.settings), 600);
  });
  neurons.addEventListener("change", () => { if (last) run(last.device, last.settings); });
})();
