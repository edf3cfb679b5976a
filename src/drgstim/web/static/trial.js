// Trial dashboard: daily average NRS against the baseline and the success line, the
// evaluation's verdict with its criteria, and the clinician's review form.
"use strict";
(() => {
  const { api, all, el, showError, fmt } = drg;
  const root = document.getElementById("trial-page");
  const pid = root.dataset.patient;
  const successPct = Number(root.dataset.successPct);
  const role = root.dataset.role;
  const labels = JSON.parse(root.dataset.labels || "{}");
  const label = (kind, value) => (labels[kind] && labels[kind][value]) || String(value).replaceAll("_", " ");
  const staff = role === "clinician" || role === "nurse";
  let trial = null;

  // ``threshold`` is the evaluation's NRS at exactly the primary reduction (the 50 % line).
  function chart(entries, threshold) {
    const days = entries.map((d) => d.day);
    const span = days.length ? [trial.started_on, days[days.length - 1]] : [trial.started_on, trial.started_on];
    const target = threshold ?? trial.baseline_nrs * (1 - successPct / 100);
    const traces = [
      { x: days, y: entries.map((d) => d.nrs_average), name: "Average NRS", mode: "lines+markers", line: { color: "#1f5fae", width: 3 } },
      { x: span, y: [trial.baseline_nrs, trial.baseline_nrs], name: `Baseline ${fmt(trial.baseline_nrs)}`, mode: "lines", line: { color: "#5b6475", dash: "dash" } },
      { x: span, y: [target, target], name: `${successPct} % reduction (${fmt(target)})`, mode: "lines", line: { color: "#1d7a3a", dash: "dot" } },
    ];
    const layout = {
      margin: { l: 45, r: 10, t: 10, b: 40 }, yaxis: { range: [0, 10], title: { text: "NRS 0–10" }, dtick: 1 },
      xaxis: { type: "date", tickformat: "%d %b", dtick: 86400000 }, legend: { orientation: "h", y: -0.2 }, height: 340,
    };
    if (window.Plotly) window.Plotly.newPlot("nrs-chart", traces, layout, { displayModeBar: false, responsive: true });
    document.getElementById("diary-table").replaceChildren(...entries.map((d) => el("tr", {},
      el("td", {}, d.day), el("td", {}, fmt(d.nrs_average)),
      el("td", {}, `${fmt(100 * (d.nrs_average - trial.baseline_nrs) / trial.baseline_nrs, 0)} %`))));
  }

  function criteriaList(criteria) {
    if (!criteria) return null;
    const items = Array.isArray(criteria) ? criteria : Object.entries(criteria).map(([name, v]) => (typeof v === "object" && v !== null ? { name, ...v } : { name, value: v }));
    return el("ul", { class: "rules", id: "criteria" }, items.map((c) => {
      const met = c.met ?? c.passed ?? c.value;
      const mark = met === true ? "✓ " : met === false ? "✗ " : "";
      const text = c.detail ? `${c.name.replaceAll("_", " ")}: ${c.detail}` : c.message || c.name || JSON.stringify(c);
      return el("li", { class: met === true ? "ok" : met === false ? "error" : "" }, mark, text);
    }));
  }

  // A clinic-layer review (drgstim.clinic.review.TrialReview JSON), live or stored.
  function verdictBlock(result, heading, id) {
    const detail = result.result || result;
    const verdict = result.verdict || detail.verdict || "unknown";
    const relief = detail.reduction_pct ?? null;
    return el("div", { class: "card", id },
      el("p", { class: `verdict verdict-${verdict}` }, el("strong", {}, `${heading}: `), el("span", { class: "verdict-value" }, label("verdicts", verdict))),
      result.decision ? el("p", {}, el("strong", {}, "Decision: "), label("decisions", result.decision)) : null,
      relief !== null ? el("p", {}, `Mean NRS ${fmt(detail.trial_mean_nrs)} vs baseline ${fmt(detail.baseline_nrs)}: ${fmt(relief)} % reduction over ${detail.evaluable_days} evaluable day(s)`) : null,
      criteriaList(detail.criteria),
      (detail.flags || []).length ? el("ul", { class: "warn" }, detail.flags.map((f) => el("li", {}, f.message))) : null,
      detail.recommendation_text ? el("p", {}, el("strong", {}, "Recommendation: "), detail.recommendation_text) : null,
      result.notes ? el("p", { class: "muted" }, result.notes) : null);
  }

  let evaluation = null;
  async function verdict() {
    const box = document.getElementById("verdict");
    const parts = [];
    if (!staff && role !== "programmer") {
      // A patient sees their diary; the team reviews it with them at the end of the trial.
      box.replaceChildren(el("p", {}, "Your care team looks at your diary with you at the end of the trial. "
        + `The trial counts as a success when your usual pain is at least ${successPct} percent lower than before.`));
      return;
    }
    try {
      evaluation = await api("GET", `/trials/${trial.id}/evaluation`);
      parts.push(verdictBlock(evaluation, "Evaluation now", "evaluation"));
    } catch (e) {
      evaluation = null;
      parts.push(el("p", { class: "error" }, `Evaluation unavailable: ${e.message}`));
    }
    try {
      const reviews = await all(`/trials/${trial.id}/reviews`);
      for (const r of reviews) parts.push(verdictBlock(r, `Review recorded ${r.created_at.slice(0, 10)}`, `review-${r.id}`));
    } catch (e) { if (e.status !== 403 && e.status !== 404) parts.push(el("p", { class: "error" }, e.message)); }
    box.replaceChildren(...parts);
  }

  const form = document.getElementById("review-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const errorBox = document.getElementById("review-error");
      showError(errorBox, null);
      if (!trial) return;
      const body = { notes: form.elements.notes.value, criteria: form.elements.criteria.value };
      if (form.elements.goals_met.value) body.goals_met = form.elements.goals_met.value === "true";
      if (form.elements.decision.value) body.decision = form.elements.decision.value;
      try {
        await api("POST", `/trials/${trial.id}/reviews`, body);
        drg.toast("Review recorded.");
        await load();
      } catch (e) { showError(errorBox, e); }
    });
  }

  const show = (id, visible) => { const node = document.getElementById(id); if (node) node.hidden = !visible; };
  const addDays = (iso, n) => { const d = new Date(`${iso}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };

  // The trial's state in words: day N of M, or the planned days are over (the team ends
  // or extends it), or ended.
  function describe() {
    const leads = trial.leads.map((l) => `${l.side} ${l.level}`).join(", ") || "–";
    const lastDay = addDays(trial.started_on, trial.planned_days - 1);
    const day = Math.round((Date.parse(drg.today()) - Date.parse(trial.started_on)) / 86400000) + 1;
    let state = trial.status === "active" ? `active, day ${Math.max(1, day)} of ${trial.planned_days}` : `${trial.status}${trial.ended_on ? ` on ${trial.ended_on}` : ""}`;
    const overdue = trial.status === "active" && drg.today() > lastDay;
    if (overdue) state = `the planned ${trial.planned_days} days ended on ${lastDay}`;
    document.getElementById("trial-info").textContent =
      `Started ${trial.started_on}, ${trial.planned_days} days planned (${state}). Usual pain before: ${fmt(trial.baseline_nrs)}; leads ${leads}. Goals: ${trial.goals || "–"}`;
    const notice = document.getElementById("trial-overdue");
    notice.hidden = !overdue;
    notice.textContent = overdue ? `The planned trial days are over (last day ${lastDay}). ${staff ? "Review the trial and end it, or extend it." : "Please contact your care team."}` : "";
    show("end-trial", staff && trial.status === "active");
    show("review-block", true);
    show("start-trial", false);
  }

  const endButton = document.getElementById("end-trial");
  if (endButton) {
    endButton.addEventListener("click", async () => {
      try {
        await api("PATCH", `/trials/${trial.id}`, { status: "ended", ended_on: drg.today(), version: trial.version });
        drg.toast("Trial ended.");
        await load();
        endButton.blur();
        document.getElementById("trial-info").focus();
      } catch (e) { showError(document.getElementById("review-error") || document.getElementById("start-trial-error"), e); }
    });
  }

  const startForm = document.getElementById("start-trial-form");
  if (startForm) {
    startForm.elements.started_on.value = drg.today();
    startForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const errorBox = document.getElementById("start-trial-error");
      showError(errorBox, null);
      const f = startForm.elements;
      try {
        await api("POST", `/patients/${pid}/trials`, {
          started_on: f.started_on.value, planned_days: Number(f.planned_days.value),
          baseline_nrs: Number(f.baseline_nrs.value), goals: f.goals.value,
        });
        drg.toast("Trial started.");
        await load();
      } catch (e) { showError(errorBox, e); }
    });
  }

  async function load() {
    const trials = await all(`/patients/${pid}/trials`);
    trial = trials.find((t) => t.status === "active") || trials[0] || null;
    if (!trial || trial.status !== "active") show("start-trial", staff);
    if (!trial) {
      document.getElementById("trial-info").textContent = "No trial recorded for this patient yet.";
      document.getElementById("verdict").replaceChildren(el("p", {}, "Nothing to review yet."));
      show("review-block", false);
      return;
    }
    describe();
    if (trial.status !== "active") show("start-trial", staff);
    const entries = await all(`/trials/${trial.id}/diary`);
    await verdict();
    chart(entries, evaluation ? evaluation.threshold_nrs : null);
  }
  load().catch((e) => { document.getElementById("trial-info").textContent = e.message; });
})();
