// Tiny DOM helpers. Text always goes in as text (textContent / createTextNode),
// never as HTML: labels, nouns and narration may come from users.

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * Create an element. `attrs` keys: "class", "text", "style" (object), "on<Event>"
 * (listener), "aria-*", anything else as attribute. Children: nodes or strings.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  return fill(el, attrs, children);
}

export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  return fill(el, attrs, children);
}

function fill(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") el.textContent = String(value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") el.setAttribute("class", String(value));
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  return el;
}

/** Set text only when it changed: rewriting the same text still costs a layout. */
export function setText(el, text) {
  const t = String(text);
  if (el.textContent !== t) el.textContent = t;
}

/** Set an attribute only when it changed. */
export function setAttr(el, name, value) {
  const v = String(value);
  if (el.getAttribute(name) !== v) el.setAttribute(name, v);
}

/** Replace all children of `el` (text stays text). */
export function setChildren(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/**
 * JupyterLab (and reveal.js in a deck) act on arrow keys and other shortcuts.
 * Widgets stop keyboard events at their root so a focused slider gets them.
 */
export function isolateKeys(root) {
  const stop = (e) => e.stopPropagation();
  root.addEventListener("keydown", stop);
  root.addEventListener("keyup", stop);
  root.addEventListener("keypress", stop);
  return () => {
    root.removeEventListener("keydown", stop);
    root.removeEventListener("keyup", stop);
    root.removeEventListener("keypress", stop);
  };
}

/** Subscribe to model changes; returns an unsubscribe function (anywidget contract). */
export function listen(model, names, callback) {
  const events = names.map((n) => `change:${n}`);
  for (const ev of events) model.on(ev, callback);
  return () => {
    for (const ev of events) model.off(ev, callback);
  };
}

/** Read a float64 array synced as bytes (DataView / ArrayBuffer / typed array / plain list). */
export function toFloat64(x) {
  if (x == null) return new Float64Array(0);
  if (x instanceof Float64Array) return x;
  if (Array.isArray(x)) return Float64Array.from(x);
  if (x instanceof DataView || ArrayBuffer.isView(x)) {
    const bytes = new Uint8Array(x.buffer, x.byteOffset, x.byteLength).slice();
    return new Float64Array(bytes.buffer);
  }
  if (x instanceof ArrayBuffer) return new Float64Array(x.slice(0));
  throw new TypeError("expected binary float64 data");
}
