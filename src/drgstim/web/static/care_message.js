// Patients' messages to the care team: sent from the controller page ("coverage changed",
// "needs help"); listed on the clinic's patient list until someone marks them dealt with.
"use strict";
(() => {
  const { api, el, showError } = drg;
  const KINDS = { coverage_changed: "Coverage changed", needs_help: "Needs help" };

  const form = document.getElementById("message-form");
  if (form) {
    const pid = document.getElementById("controller-page").dataset.patient;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = document.getElementById("message-error");
      showError(error, null);
      try {
        await api("POST", `/patients/${pid}/care-messages`, { kind: form.elements.kind.value, text: form.elements.text.value });
        form.reset();
        document.getElementById("message-state").textContent = "Sent. Your care team will contact you.";
      } catch (e) { showError(error, e); }
    });
  }

  const list = document.getElementById("messages");
  async function load() {
    const { items } = await api("GET", "/care-messages");
    list.replaceChildren(...items.map((m) => el("li", {},
      el("strong", {}, `${KINDS[m.kind] || m.kind}: `),
      el("a", { href: `/patients/${m.patient_id}/programmer` }, `${m.patient_name} (${m.mrn})`),
      ` on ${m.created_at.slice(0, 10)}${m.text ? ` — “${m.text}”` : ""} `,
      el("button", { type: "button", class: "secondary", onclick: () => done(m), "aria-label": `Mark the message of ${m.patient_name} as dealt with` }, "Dealt with"))));
    if (!items.length) list.replaceChildren(el("li", {}, "No open messages."));
  }
  async function done(m) {
    try { await api("PATCH", `/care-messages/${m.id}`, { resolved: true, version: m.version }); await load(); list.focus(); }
    catch (e) { drg.toast(e.message); }
  }
  if (list) { list.setAttribute("tabindex", "-1"); load().catch((e) => list.replaceChildren(el("li", { class: "error" }, e.message))); }
})();
