// A small host for anywidget's front-end contract, fed by the widget state saved in the deck.
// No kernel, no widget manager, no require.js, no network: each widget's ES module source is
// in the page; it is imported through a Blob URL.
//
//   const host = createHost(data);            // data = {models: {...}, modules: {...}}
//   await host.renderInto(el, modelId);       // returns a cleanup function
//
// Model API given to widgets: get, set, on, off, save_changes, send, widget_manager.get_model.

import { renderControl, CONTROL_MODELS, initControl } from "./controls.js";

/** Decode base64 to a DataView (what ipywidgets hands widgets for binary traits). */
export function b64ToDataView(b64) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new DataView(bytes.buffer);
}

/** Put `value` at `path` (list of keys / indices) inside `obj`. */
export function setAtPath(obj, path, value) {
  let target = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    if (target[key] === undefined || target[key] === null) {
      target[key] = typeof path[i + 1] === "number" ? [] : {};
    }
    target = target[key];
  }
  target[path[path.length - 1]] = value;
}

function sameValue(a, b) {
  if (Object.is(a, b)) return true;
  if (a instanceof DataView || b instanceof DataView) return false;
  if (a && b && typeof a === "object" && typeof b === "object") {
    try {
      return JSON.stringify(a) === JSON.stringify(b);
    } catch {
      return false;
    }
  }
  return false;
}

export class DeckModel {
  constructor(id, entry, manager) {
    this.model_id = id;
    this.name = entry.name || "";
    this.module = entry.module || "";
    this.widget_manager = manager;
    this._state = { ...(entry.state || {}) };
    for (const buf of entry.buffers || []) setAtPath(this._state, buf.path, b64ToDataView(buf.data));
    this._listeners = new Map();
  }

  get(name) {
    return this._state[name];
  }

  set(name, value) {
    if (name !== null && typeof name === "object") {
      for (const [k, v] of Object.entries(name)) this.set(k, v);
      return;
    }
    const old = this._state[name];
    if (sameValue(old, value)) return;
    this._state[name] = value;
    this._emit(`change:${name}`, this, value);
    this._emit("change", this);
  }

  on(event, callback, context) {
    for (const ev of String(event).split(/\s+/).filter(Boolean)) {
      if (!this._listeners.has(ev)) this._listeners.set(ev, []);
      this._listeners.get(ev).push({ callback, context });
    }
  }

  off(event, callback) {
    if (!event) {
      if (!callback) this._listeners.clear();
      else for (const [ev, list] of this._listeners) this._listeners.set(ev, list.filter((l) => l.callback !== callback));
      return;
    }
    for (const ev of String(event).split(/\s+/).filter(Boolean)) {
      const list = this._listeners.get(ev) || [];
      this._listeners.set(ev, callback ? list.filter((l) => l.callback !== callback) : []);
    }
  }

  /** No kernel: changes stay in the page (other views of the model already heard them). */
  save_changes() {}

  /** No kernel to talk to: custom messages are dropped. */
  send(_content, _callbacks, _buffers) {}

  _emit(event, ...args) {
    for (const { callback, context } of [...(this._listeners.get(event) || [])]) {
      try {
        callback.apply(context, args);
      } catch (err) {
        console.error(`[deck] listener for ${event} failed`, err);
      }
    }
  }
}

async function resolveWidgetDef(mod) {
  // anywidget accepts: default export object or (async) function returning one, or named exports.
  let def = mod.default !== undefined ? mod.default : mod;
  if (typeof def === "function") def = await def();
  if (!def || (typeof def.render !== "function" && typeof def.initialize !== "function")) {
    throw new Error("the widget module exports neither render nor initialize");
  }
  return def;
}

export function createHost(data, { importModule } = {}) {
  const entries = data.models || {};
  const modules = data.modules || {};
  const models = new Map();
  const moduleCache = new Map(); // esm key → Promise<widget definition>
  const initialized = new Map(); // model id → Promise<void>
  const load = importModule || ((source) => {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    return import(/* @vite-ignore */ url);
  });

  const manager = {
    async get_model(id) {
      const key = String(id).replace(/^IPY_MODEL_/, "");
      const model = getModel(key);
      if (!model) throw new Error(`widget model ${key} is not in this deck`);
      await initModel(key);
      return model;
    },
  };

  function getModel(id) {
    if (!models.has(id)) {
      if (!entries[id]) return undefined;
      models.set(id, new DeckModel(id, entries[id], manager));
    }
    return models.get(id);
  }

  function widgetDef(id) {
    const key = entries[id] && entries[id].esm;
    if (!key || !modules[key]) return Promise.reject(new Error(`no code saved for widget ${id}`));
    if (!moduleCache.has(key)) moduleCache.set(key, Promise.resolve(load(modules[key])).then(resolveWidgetDef));
    return moduleCache.get(key);
  }

  function initModel(id) {
    if (!initialized.has(id)) {
      const model = getModel(id);
      const entry = entries[id];
      let p;
      if (entry.name === "AnyModel") {
        p = widgetDef(id).then(async (def) => {
          if (typeof def.initialize === "function") await def.initialize({ model, experimental: experimental(model) });
        });
      } else {
        p = Promise.resolve(initControl(model, manager));
      }
      initialized.set(id, p);
    }
    return initialized.get(id);
  }

  function experimental(_model) {
    return { invoke: async () => { throw new Error("no kernel in an exported deck"); } };
  }

  /** Render model `id` into `el`; resolves to a cleanup function. */
  async function renderInto(el, id) {
    const model = getModel(id);
    if (!model) throw new Error(`widget model ${id} is not in this deck`);
    await initModel(id);
    if (entries[id].name === "AnyModel") {
      const def = await widgetDef(id);
      if (typeof def.render !== "function") return () => {};
      const cleanup = await def.render({ model, el, experimental: experimental(model) });
      return typeof cleanup === "function" ? cleanup : () => {};
    }
    if (CONTROL_MODELS.has(entries[id].name)) {
      return renderControl({ model, el, renderChild: renderInto });
    }
    throw new Error(`widget type ${entries[id].name} cannot run in a deck`);
  }

  /** Start links (jslink/jsdlink) and initialize every model once. */
  async function start() {
    await Promise.all(Object.keys(entries).map((id) => initModel(id).catch((err) => {
      console.error(`[deck] widget ${id} could not start`, err);
    })));
  }

  return { getModel, renderInto, start, manager };
}
