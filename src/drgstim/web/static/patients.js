// Patient list with search, and the new-patient form (clinicians and nurses).
"use strict";
(() => {
  const { api, all, el, showError, formData } = drg;
  const body = document.getElementById("patients");
  const count = document.getElementById("patients-count");

  async function load(q) {
    const path = q ? `/patients?q=${encodeURIComponent(q)}` : "/patients";
    try {
      const items = await all(path);
      body.replaceChildren(...items.map((p) => el("tr", {},
        el("td", {}, el("a", { href: `/patients/${p.id}` }, `${p.family_name}, ${p.given_name}`)),
        el("td", {}, p.mrn), el("td", {}, p.birth_date),
        el("td", {}, el("span", { class: `stage stage-${p.stage}` }, p.stage.replace("_", " "))))));
      if (items.length === 0) body.replaceChildren(el("tr", {}, el("td", { colspan: 4 }, "No patients found.")));
      count.textContent = `${items.length} patient(s)`;
    } catch (error) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: 4, class: "error" }, error.message)));
    }
  }

  document.getElementById("search").addEventListener("submit", (event) => {
    event.preventDefault();
    load(document.getElementById("q").value.trim());
  });

  const form = document.getElementById("new-patient");
  if (form) {
    const error = document.getElementById("new-patient-error");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      showError(error, null);
      try {
        const patient = await api("POST", "/patients", formData(form));
        window.location.assign(`/patients/${patient.id}`);
      } catch (e) { showError(error, e); }
    });
  }
  load("");
})();
