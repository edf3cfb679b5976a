// Assessment: the interactive body map, saved as the assessment's pain map; after every
// change the assessment is saved and the screening and DRG target plan are run again.
"use strict";
(() => {
  const { api, el, showError, fmt } = drg;
  const root = document.getElementById("assessment-page");
  const pid = root.dataset.patient;
  const form = document.getElementById("assessment-form");
  const errorBox = document.getElementById("assessment-error");
  const saveState = document.getElementById("save-state");
  const panel = document.getElementById("selected-panel");
  const slider = document.getElementById("intensity");
  const shapes = [...document.querySelectorAll("#bodymap .region, .undrawn")];
  const pain = new Map(); // "region:side" -> {region, side, intensity}
  let selected = null;
  let record = null; // the saved assessment {id, version}
  let timer = null;
  let saving = Promise.resolve();
  let evaluated = ""; // the inputs of the last screening/plan (each run is stored and audited)

  const keyOf = (node) => `${node.dataset.region}:${node.dataset.side}`;
  const labelOf = (key) => shapes.find((s) => keyOf(s) === key)?.dataset.label || key;

  function colour(intensity) {
    // white (0) → red (10)
    const t = Math.max(0, Math.min(10, intensity)) / 10;
    const g = Math.round(235 - 170 * t), b = Math.round(225 - 185 * t);
    return `rgb(230, ${g}, ${b})`;
  }

  function paint() {
    for (const node of shapes) {
      const entry = pain.get(keyOf(node));
      node.setAttribute("aria-pressed", entry ? "true" : "false");
      node.classList.toggle("selected", keyOf(node) === selected);
      if (node.tagName.toLowerCase() === "rect") node.style.fill = entry ? colour(entry.intensity) : "";
      const base = node.dataset.label;
      node.setAttribute("aria-label", entry ? `${base}, pain ${entry.intensity} of 10` : base);
    }
    const rows = [...pain.entries()].map(([key, e]) => el("tr", {},
      el("td", {}, el("button", { type: "button", class: "secondary", onclick: () => select(key) }, labelOf(key))),
      el("td", {}, `${e.intensity} / 10`)));
    document.getElementById("pain-list").replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 2, class: "muted" }, "None marked yet."))]));
    panel.hidden = selected === null;
    if (selected !== null) {
      document.getElementById("selected-name").textContent = labelOf(selected);
      slider.value = String(pain.get(selected)?.intensity ?? 5);
      slider.setAttribute("aria-label", `Intensity for ${labelOf(selected)}`);
      document.getElementById("intensity-value").textContent = slider.value;
    }
  }

  function select(key) {
    selected = key;
    paint();
    slider.focus();
  }

  function toggle(node) {
    const key = keyOf(node);
    if (!pain.has(key)) {
      pain.set(key, { region: node.dataset.region, side: node.dataset.side, intensity: Number(slider.value) || 5 });
      schedule();
    }
    select(key);
  }

  for (const node of shapes) {
    node.addEventListener("click", () => toggle(node));
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(node); }
    });
  }
  slider.addEventListener("input", () => {
    document.getElementById("intensity-value").textContent = slider.value;
    if (selected && pain.has(selected)) { pain.get(selected).intensity = Number(slider.value); paint(); schedule(); }
  });
  document.getElementById("remove-region").addEventListener("click", () => {
    if (selected) { pain.delete(selected); selected = null; paint(); schedule(); }
  });
  form.addEventListener("input", schedule);

  function schedule() {
    clearTimeout(timer);
    saveState.textContent = "Unsaved changes…";
    timer = setTimeout(() => { saving = saving.then(save); }, 350);
  }

  function number(name) {
    const v = form.elements[name].value;
    return v === "" ? null : Number(v);
  }

  // The screening's inputs: yes/no answers, counts and the check-box lists.
  const YES_NO = ["neuropathic", "expectations_aligned", "neurological_deficit", "active_substance_use"];
  const LISTS = ["diagnoses", "failed_treatments", "conditions", "anticoagulants"];
  const checked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);

  function body() {
    const scores = {};
    for (const name of ["nrs_average", "phq9", "gad7", "pcs"]) if (number(name) !== null) scores[name] = number(name);
    const history = { ...(record?.history || {}) };
    for (const name of ["pain_duration_months", "medication_classes_tried", "phq9_item9", "hba1c_pct"]) {
      if (number(name) !== null) history[name] = number(name); else delete history[name];
    }
    for (const name of YES_NO) {
      const v = form.elements[name].value;
      if (v === "") delete history[name]; else history[name] = v === "yes";
    }
    for (const name of LISTS) history[name] = checked(name);
    return {
      assessed_on: form.elements.assessed_on.value || drg.today(),
      pain_map: [...pain.values()],
      scores,
      history,
    };
  }

  async function save() {
    showError(errorBox, null);
    try {
      const data = body();
      record = record
        ? await api("PATCH", `/assessments/${record.id}`, { ...data, version: record.version })
        : await api("POST", `/patients/${pid}/assessments`, data);
      root.dataset.assessment = record.id;
      history.replaceState(null, "", `?id=${record.id}`);
      saveState.textContent = `Saved (version ${record.version}).`;
      const inputs = JSON.stringify([data.pain_map, data.scores, data.history]);
      if (pain.size > 0 && inputs !== evaluated) {
        evaluated = inputs;
        await evaluate(record.id);
      }
    } catch (e) {
      saveState.textContent = "Not saved.";
      showError(errorBox, e);
    }
  }

  // --- screening and plan ----------------------------------------------------------
  function ruleItem(rule) {
    if (typeof rule === "string") return el("li", {}, rule);
    const text = rule.reason || rule.id;
    const kind = (rule.outcome || "").replaceAll("_", " ");
    const source = rule.source || "";
    const action = rule.action ? el("div", { class: "action" }, el("em", {}, rule.before_trial ? "Before any trial: " : "Action: "), rule.action) : null;
    return el("li", {}, kind ? el("strong", {}, `${kind}: `) : null, text, action, source ? el("details", { class: "muted source" }, el("summary", {}, "Source"), source) : null);
  }

  function alternativeItem(alt) {
    return el("li", {}, el("strong", {}, alt.label), ` (${alt.reason})`, el("details", { class: "muted source" }, el("summary", {}, "Source"), alt.source));
  }

  function showScreening(result) {
    const outcome = result.outcome;
    const rules = result.result.rules || [];
    const alternatives = result.result.alternatives || [];
    document.getElementById("screening").replaceChildren(
      el("p", { id: "screening-outcome", class: `result-${outcome}` }, el("strong", {}, "Outcome: "), outcome.replaceAll("_", " ")),
      rules.length ? el("ul", { class: "rules", id: "screening-rules" }, rules.map(ruleItem)) : el("p", { class: "muted" }, "No rule fired."),
      alternatives.length ? el("div", { id: "screening-alternatives" }, el("h3", {}, "Alternatives to offer"), el("ul", {}, alternatives.map(alternativeItem))) : null,
      el("p", { class: "muted" }, "Screening supports the clinician's decision; it never decides alone."));
  }

  function showPlan(result) {
    const detail = result.result;
    const rows = (detail.targets || []).map((t) => el("tr", {},
      el("td", {}, t.level), el("td", {}, t.side),
      el("td", {}, fmt(t.score, 2)), el("td", {}, (t.regions || []).map((r) => labelOf(`${r}:${t.side}`)).join(", "))));
    const leads = (detail.leads || []).map((l) => `${l.level} ${l.side} (${(l.covers || []).map((r) => labelOf(`${r}:${l.side}`)).join(", ")})`);
    const uncovered = (detail.uncovered || []).map((u) => labelOf(`${u.region}:${u.side}`));
    document.getElementById("plan").replaceChildren(...[
      el("table", { class: "list", id: "plan-table" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "DRG level"), el("th", { scope: "col" }, "Side"), el("th", { scope: "col" }, "Score"), el("th", { scope: "col" }, "Regions"))),
        el("tbody", {}, rows)),
      el("p", { id: "plan-leads" }, leads.length ? `Proposed leads (${leads.length}): ${leads.join("; ")}` : "No lead proposed."),
      uncovered.length ? el("p", { class: "warn" }, `Not covered: ${uncovered.join(", ")}`) : null,
      ...(detail.warnings || []).map((w) => el("p", { class: "warn" }, w)),
    ].filter(Boolean));
  }

  async function evaluate(id) {
    const [screening, plan] = await Promise.allSettled([
      api("POST", `/assessments/${id}/screening`), api("POST", `/assessments/${id}/plan`)]);
    if (screening.status === "fulfilled") showScreening(screening.value);
    else document.getElementById("screening").replaceChildren(el("p", { class: "error" }, `Screening needs more of the assessment: ${screening.reason.message}`));
    if (plan.status === "fulfilled") showPlan(plan.value);
    else document.getElementById("plan").replaceChildren(el("p", { class: "error" }, `Plan unavailable: ${plan.reason.message}`));
  }

  async function load() {
    form.elements.assessed_on.value = drg.today();
    const id = root.dataset.assessment;
    if (!id) { paint(); return; }
    record = await api("GET", `/assessments/${id}`);
    form.elements.assessed_on.value = record.assessed_on;
    for (const [name, value] of Object.entries({ ...record.scores, ...record.history })) {
      if (YES_NO.includes(name) && typeof value === "boolean") form.elements[name].value = value ? "yes" : "no";
      else if (LISTS.includes(name) && Array.isArray(value)) {
        for (const box of form.querySelectorAll(`input[name="${name}"]`)) box.checked = value.includes(box.value);
      } else if (form.elements[name] && value !== null && typeof value !== "object") form.elements[name].value = value;
    }
    for (const p of record.pain_map) pain.set(`${p.region}:${p.side}`, { region: p.region, side: p.side, intensity: p.intensity });
    paint();
    saveState.textContent = `Saved (version ${record.version}).`;
    if (pain.size > 0) await evaluate(record.id);
  }
  load().catch((e) => showError(errorBox, e));
})();
