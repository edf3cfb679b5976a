// The patient's pathway: stage bar plus every record in date order, newest first.
"use strict";
(() => {
  const { api, all, el } = drg;
  const root = document.getElementById("timeline-page");
  const pid = root.dataset.patient;
  const labels = JSON.parse(root.dataset.labels || "{}");
  const label = (kind, value) => (labels[kind] && labels[kind][value]) || String(value).replaceAll("_", " ");
  const STAGES = ["referred", "assessed", "screened", "planned", "in_trial", "trial_reviewed", "implanted", "follow_up", "explanted"];

  // The record lists this role may read, as the server's permission table says.
  const readable = JSON.parse(root.dataset.readable || "{}");
  // A record list, or [] when this role may not read it (a patient sees trials and devices only):
  // lists the role may not read are not requested at all.
  async function maybe(path) {
    const kind = path.split("?")[0].split("/").pop();
    if (readable[kind] === false) return [];
    try { return await all(path); } catch (e) { if (e.status === 403 || e.status === 404) return []; throw e; }
  }

  function stageBar(current) {
    const at = STAGES.indexOf(current);
    document.getElementById("stages").replaceChildren(...STAGES.map((s, i) => el("li", {
      class: i < at ? "done" : i === at ? "current" : "", "aria-current": i === at ? "step" : null,
    }, label("stages", s))));
  }

  function entry(date, title, detail, href) {
    return { date, node: el("li", {}, el("time", { datetime: date }, date), " ",
      href ? el("a", { href }, title) : el("strong", {}, title), detail ? el("span", { class: "muted" }, ` — ${detail}`) : null) };
  }

  async function load() {
    const patient = await api("GET", `/patients/${pid}`);
    document.getElementById("patient-name").textContent = `${patient.given_name} ${patient.family_name}`;
    document.getElementById("patient-meta").textContent = `MRN ${patient.mrn} · born ${patient.birth_date} · ${patient.sex} · stage: ${label("stages", patient.stage)}`;
    stageBar(patient.stage);
    const [assessments, trials, implants, followUps, complications, devices] = await Promise.all([
      maybe(`/patients/${pid}/assessments`), maybe(`/patients/${pid}/trials`), maybe(`/patients/${pid}/implants`),
      maybe(`/patients/${pid}/follow-ups`), maybe(`/patients/${pid}/complications`), maybe(`/patients/${pid}/devices`),
    ]);
    const items = [];
    for (const a of assessments) {
      const regions = a.pain_map.map((p) => `${p.side} ${p.region.replace("_", " ")} ${p.intensity}/10`).join(", ");
      items.push(entry(a.assessed_on, "Assessment", regions || "no pain map", `/patients/${pid}/assessment?id=${a.id}`));
    }
    for (const t of trials) {
      const leads = t.leads.map((l) => `${l.side} ${l.level}`).join(", ");
      items.push(entry(t.started_on, `Trial (${t.status})`, `baseline NRS ${t.baseline_nrs}, ${t.planned_days} days; leads ${leads || "–"}`, `/patients/${pid}/trial`));
    }
    // The latest screening and plan of each assessment (every run is stored).
    const last = (list) => (list.length ? list[list.length - 1] : null);
    const runs = await Promise.all(assessments.map((a) => Promise.all([
      maybe(`/assessments/${a.id}/screenings`), maybe(`/assessments/${a.id}/plans`)])));
    runs.forEach(([screenings, plans], i) => {
      const link = `/patients/${pid}/assessment?id=${assessments[i].id}`;
      const s = last(screenings), p = last(plans);
      if (s) items.push(entry(s.created_at.slice(0, 10), `Screening: ${s.outcome.replaceAll("_", " ")}`, "", link));
      if (p) {
        const targets = p.result.targets || p.result.levels || p.result.candidates || [];
        const text = targets.map((t) => `${t.side || ""} ${t.level || t.name || ""}`.trim()).join(", ");
        items.push(entry(p.created_at.slice(0, 10), "DRG target plan", text, link));
      }
    });
    const reviews = await Promise.all(trials.map((t) => maybe(`/trials/${t.id}/reviews`)));
    for (const r of reviews.flat()) {
      const pct = r.result && r.result.reduction_pct !== undefined && r.result.reduction_pct !== null ? `${Number(r.result.reduction_pct).toFixed(1)} % reduction` : "";
      const decided = r.decision ? `; decision: ${label("decisions", r.decision)}` : "";
      items.push(entry(r.created_at.slice(0, 10), `Trial review: ${label("verdicts", r.verdict)}`, pct + decided, `/patients/${pid}/trial`));
    }
    for (const i of implants) items.push(entry(i.performed_on, `Procedure: ${i.procedure}`, i.levels.map((l) => `${l.side} ${l.level}`).join(", ")));
    for (const d of devices) items.push(entry(d.created_at.slice(0, 10), `Device ${d.serial} (${d.kind.replace("_", " ")})`, `${d.leads.length} lead(s)`, root.dataset.role === "patient" ? `/patients/${pid}/controller` : `/patients/${pid}/programmer`));
    for (const f of followUps) items.push(entry(f.visit_on, `Follow-up, month ${f.month}`, f.scores.nrs_average !== undefined && f.scores.nrs_average !== null ? `NRS ${f.scores.nrs_average}` : "", `/patients/${pid}/follow-up`));
    for (const c of complications) items.push(entry(c.occurred_on, `Complication: ${c.kind.replaceAll("_", " ")}`, `${c.severity}, ${c.management}${c.resolved ? ", resolved" : ""}`, `/patients/${pid}/follow-up`));
    items.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
    const list = document.getElementById("timeline");
    list.replaceChildren(...items.map((i) => i.node));
    if (items.length === 0) list.replaceChildren(el("li", {}, "Nothing recorded yet."));
  }
  load().catch((e) => { document.getElementById("timeline").replaceChildren(el("li", { class: "error" }, e.message)); });
})();
