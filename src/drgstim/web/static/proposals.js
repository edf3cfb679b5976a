// Remote care on the controller page: program changes the care team proposed, which the
// patient accepts (the server checks them with the device model again, then applies them)
// or declines.
"use strict";
(() => {
  const { api, all, el, showError } = drg;
  const pid = document.getElementById("controller-page").dataset.patient;
  const card = document.getElementById("proposals-card");
  const list = document.getElementById("proposals");
  const error = document.getElementById("proposal-error");
  list.setAttribute("tabindex", "-1");

  async function answer(p, verb) {
    showError(error, null);
    try {
      await api("POST", `/proposals/${p.id}/${verb}`);
      drg.toast(verb === "accept" ? "Change accepted: your stimulator uses it now." : "Change declined.");
      await load();
      list.focus();
    } catch (e) { showError(error, e); }
  }

  async function load() {
    const devices = await all(`/patients/${pid}/devices`);
    const pending = [];
    for (const d of devices) {
      for (const p of await api("GET", `/devices/${d.id}/proposals`)) if (p.status === "pending") pending.push(p);
    }
    card.hidden = pending.length === 0 && !list.children.length;
    list.replaceChildren(...pending.map((p) => el("li", {},
      el("p", {}, el("strong", {}, `New settings for "${p.program_name}"`), p.note ? ` — ${p.note}` : ""),
      el("div", { class: "row" },
        el("button", { type: "button", onclick: () => answer(p, "accept") }, `Accept the change to ${p.program_name}`),
        el("button", { type: "button", class: "secondary", onclick: () => answer(p, "decline") }, `Decline the change to ${p.program_name}`)))));
    if (!pending.length && !card.hidden) list.replaceChildren(el("li", {}, "No changes waiting."));
  }
  load().catch((e) => showError(error, e));
})();
