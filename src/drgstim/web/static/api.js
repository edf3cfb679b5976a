// Shared helpers: JSON calls to /api with the session's CSRF token, small DOM helpers.
"use strict";

const drg = (() => {
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content || "";

  class ApiError extends Error {
    constructor(status, detail) {
      super(ApiError.describe(detail) || `request failed (${status})`);
      this.status = status;
      this.detail = detail;
    }
    // The API's error bodies: {"detail": "text"} or {"detail": [{field, value, allowed, message}]}.
    static describe(detail) {
      if (typeof detail === "string") return detail;
      if (Array.isArray(detail)) {
        return [...new Set(detail.map((d) => (typeof d === "string" ? d : ApiError.plain(d))))].join("; ");
      }
      if (detail && typeof detail === "object") return detail.message || JSON.stringify(detail);
      return "";
    }
  }

  // A refusal the service raised (field, value, allowed, reason) in words: the field, the
  // value as sent, why, and what is allowed, without the message's programming notation.
  ApiError.plain = (d) => {
    if (!d || typeof d !== "object") return String(d);
    if (!("reason" in d) || !d.field) return d.message || d.msg || JSON.stringify(d);
    const value = d.value === null || d.value === undefined || d.value === "" ? ""
      : ` ${typeof d.value === "object" ? JSON.stringify(d.value) : d.value}`;
    return `${d.field.replaceAll("_", " ")}${value}: ${d.reason || "not allowed"}. Allowed: ${d.allowed}.`;
  };

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers[meta("csrf-header") || "X-CSRF-Token"] = meta("csrf-token");
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`/api${path}`, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return null;
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (!response.ok) throw new ApiError(response.status, data ? data.detail : null);
    return data;
  }

  // Every item of a paged list (the API pages at most 500 rows per call).
  async function all(path) {
    const items = [];
    for (let offset = 0; ; offset += 500) {
      const sep = path.includes("?") ? "&" : "?";
      const page = await api("GET", `${path}${sep}limit=500&offset=${offset}`);
      items.push(...page.items);
      if (items.length >= page.total || page.items.length === 0) return items;
    }
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function toast(message) {
    const box = document.getElementById("toast");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { box.hidden = true; }, 4000);
  }

  function showError(node, error) {
    if (!node) return;
    node.textContent = error ? (error.message || String(error)) : "";
    node.hidden = !error;
  }

  function formData(form) {
    const out = {};
    for (const [key, value] of new FormData(form).entries()) {
      if (value !== "") out[key] = value;
    }
    return out;
  }

  function today() { return new Date().toISOString().slice(0, 10); }

  function fmt(value, digits = 1) {
    return value === null || value === undefined || Number.isNaN(value) ? "–" : Number(value).toFixed(digits);
  }

  return { api, all, el, toast, showError, formData, today, fmt, ApiError };
})();
