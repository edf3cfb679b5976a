// Pre-visit checklist: choose painful areas on the body map; a logged-in patient sends the
// answers to their record (POST /api/patients/{id}/checklists), anyone can print them.
"use strict";
(() => {
  const { api, showError } = drg;
  const root = document.getElementById("checklist-page");
  const form = document.getElementById("checklist-form");
  const chosenText = document.getElementById("areas-chosen");
  const shapes = [...document.querySelectorAll("#bodymap .region, .undrawn")];
  const chosen = new Map(); // "region:side" -> {region, side}
  const keyOf = (node) => `${node.dataset.region}:${node.dataset.side}`;

  function paint() {
    for (const node of shapes) {
      const on = chosen.has(keyOf(node));
      node.setAttribute("aria-pressed", on ? "true" : "false");
      node.classList.toggle("chosen", on);
    }
    const names = shapes.filter((n) => chosen.has(keyOf(n))).map((n) => n.dataset.label);
    chosenText.textContent = names.length ? names.join(", ") : "none chosen yet";
  }

  function toggle(node) {
    const key = keyOf(node);
    if (chosen.has(key)) chosen.delete(key);
    else chosen.set(key, { region: node.dataset.region, side: node.dataset.side });
    paint();
  }

  for (const node of shapes) {
    node.addEventListener("click", () => toggle(node));
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(node); }
    });
  }

  const number = (name) => (form.elements[name].value === "" ? null : Number(form.elements[name].value));
  const checked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((b) => b.value);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = document.getElementById("checklist-error");
    showError(error, null);
    const state = document.getElementById("checklist-state");
    const body = {
      submitted_on: drg.today(),
      pain_areas: [...chosen.values()],
      pain_duration_months: number("pain_duration_months"),
      nrs_average: number("nrs_average"),
      nrs_worst: number("nrs_worst"),
      treatments_tried: checked("treatments_tried"),
      conditions: checked("conditions"),
      medications: form.elements.medications.value,
      goals: form.elements.goals.value,
      questions: form.elements.questions.value,
    };
    try {
      await api("POST", `/patients/${root.dataset.patient}/checklists`, body);
      state.textContent = "Sent. Your care team will see it on your record.";
    } catch (e) {
      showError(error, e);
    }
  });
  paint();
})();
