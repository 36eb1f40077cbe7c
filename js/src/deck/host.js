// A small host for anywidget's front-end contract, fed by the widget state saved in the deck.
// No kernel, no widget manager, no require.js, no network: each widget's ES module source is
// in the page; it is imported through a Blob URL.
//
//   const host = createHost(data);            // data = {models: {...}, modules: {...}}
//   await host.renderInto(el, modelId);       // returns a cleanup function
//
// Model API given to widgets: get, set, on, off, save_changes, send, widget_manager.get_model.
// Each view gets its own ModelProxy: its listeners are dropped when its cleanup runs.
// initialize, module import and render each have a time limit (timeoutMs, default 5 s).

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

function eventNames(event) {
  return String(event).split(/\s+/).filter(Boolean);
}

/** Backbone-style model: set() stores every value first, then fires each change:x, then one change. */
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
    const attrs = name !== null && typeof name === "object" ? name : { [name]: value };
    const changed = [];
    for (const [k, v] of Object.entries(attrs)) {
      if (sameValue(this._state[k], v)) continue;
      this._state[k] = v;
      changed.push(k);
    }
    for (const k of changed) this._emit(`change:${k}`, this, this._state[k]);
    if (changed.length) this._emit("change", this);
  }

  on(event, callback, context) {
    if (typeof callback !== "function") return;
    for (const ev of eventNames(event)) {
      if (!this._listeners.has(ev)) this._listeners.set(ev, []);
      this._listeners.get(ev).push({ callback, context });
    }
  }

  /** Backbone semantics: each given argument narrows what is removed. */
  off(event, callback, context) {
    const events = event ? eventNames(event) : [...this._listeners.keys()];
    for (const ev of events) {
      const list = this._listeners.get(ev) || [];
      const keep = list.filter(
        (l) => (callback && l.callback !== callback) || (context !== undefined && l.context !== context),
      );
      if (keep.length) this._listeners.set(ev, keep);
      else this._listeners.delete(ev);
    }
  }

  /** No kernel: changes stay in the page (other views of the model already heard them). */
  save_changes() {}

  /** No kernel to talk to: custom messages are dropped. */
  send(_content, _callbacks, _buffers) {}

  _emit(event, ...args) {
    for (const { callback, context } of [...(this._listeners.get(event) || [])]) {
      try {
        callback.apply(context === undefined ? this : context, args);
      } catch (err) {
        console.error(`[deck] listener for ${event} failed`, err);
      }
    }
  }
}

/**
 * What one view (or one initialize) sees: the shared model, but listeners it adds are its own:
 * off() without a callback removes only them, and dispose() drops them when the view goes.
 */
export class ModelProxy {
  constructor(model) {
    this._model = model;
    this._own = []; // {event, callback, context, wrapped}
    this.model_id = model.model_id;
    this.name = model.name;
    this.module = model.module;
    this.widget_manager = model.widget_manager;
  }

  get(name) {
    return this._model.get(name);
  }

  set(name, value) {
    this._model.set(name, value);
  }

  on(event, callback, context) {
    if (typeof callback !== "function") return;
    for (const ev of eventNames(event)) {
      const ctx = context === undefined ? this : context;
      const wrapped = (...args) => callback.apply(ctx, args);
      this._own.push({ event: ev, callback, context, wrapped });
      this._model.on(ev, wrapped);
    }
  }

  off(event, callback, context) {
    const events = event ? new Set(eventNames(event)) : null;
    const drop = this._own.filter(
      (l) =>
        (!events || events.has(l.event)) &&
        (!callback || l.callback === callback) &&
        (context === undefined || l.context === context),
    );
    for (const l of drop) this._model.off(l.event, l.wrapped);
    this._own = this._own.filter((l) => !drop.includes(l));
  }

  save_changes() {
    this._model.save_changes();
  }

  send(content, callbacks, buffers) {
    this._model.send(content, callbacks, buffers);
  }

  dispose() {
    this.off();
  }
}

/** Resolve `promise`, or reject after `ms` saying what took too long. */
export function withTimeout(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([Promise.resolve(promise), limit]).finally(() => clearTimeout(timer));
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

export function createHost(data, { importModule, timeoutMs = 5000 } = {}) {
  const entries = data.models || {};
  const modules = data.modules || {};
  const models = new Map();
  const moduleCache = new Map(); // esm key → Promise<widget definition>
  const initialized = new Map(); // model id → Promise<void> (rejects if initialize failed)
  const load = importModule || ((source) => {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    return import(/* @vite-ignore */ url);
  });

  const manager = {
    /** A referenced model, once its own initialize has settled (a broken one still holds its state). */
    async get_model(id) {
      const key = String(id).replace(/^IPY_MODEL_/, "");
      const model = getModel(key);
      if (!model) throw new Error(`widget model ${key} is not in this deck`);
      await initModel(key).catch(() => {});
      return model;
    },
  };

  function getModel(id) {
    if (!models.has(id)) {
      if (!Object.prototype.hasOwnProperty.call(entries, id)) return undefined;
      models.set(id, new DeckModel(id, entries[id], manager));
    }
    return models.get(id);
  }

  function widgetDef(id) {
    const key = entries[id] && entries[id].esm;
    if (!key || !modules[key]) return Promise.reject(new Error(`no code saved for widget ${id}`));
    if (!moduleCache.has(key)) {
      const p = withTimeout(
        Promise.resolve().then(() => load(modules[key])), timeoutMs, `loading the code of widget ${id}`,
      ).then(resolveWidgetDef);
      moduleCache.set(key, p);
    }
    return moduleCache.get(key);
  }

  /** Run a model's initialize once, within the time limit; rejects if it failed. */
  function initModel(id) {
    if (!initialized.has(id)) {
      const model = getModel(id);
      let p;
      if (entries[id].name === "AnyModel") {
        p = widgetDef(id).then((def) => {
          if (typeof def.initialize !== "function") return undefined;
          const proxy = new ModelProxy(model);
          return withTimeout(
            Promise.resolve().then(() => def.initialize({ model: proxy, experimental: experimental(model) })),
            timeoutMs,
            `initialize of widget ${id}`,
          );
        });
      } else {
        p = withTimeout(Promise.resolve().then(() => initControl(model, manager)), timeoutMs, `link ${id}`);
      }
      p = p.then(() => undefined);
      p.catch((err) => console.error(`[deck] widget ${id} could not start`, err));
      initialized.set(id, p);
    }
    return initialized.get(id);
  }

  function experimental(_model) {
    return { invoke: async () => { throw new Error("no kernel in an exported deck"); } };
  }

  /** Render model `id` into `el`; resolves to a cleanup function (view listeners dropped too). */
  async function renderInto(el, id) {
    const model = getModel(id);
    if (!model) throw new Error(`widget model ${id} is not in this deck`);
    await initModel(id);
    const proxy = new ModelProxy(model);
    let cleanup = () => {};
    let done = false;
    const dispose = () => {
      if (done) return;
      done = true;
      try {
        cleanup();
      } catch (err) {
        console.error(`[deck] cleanup of widget ${id} failed`, err);
      }
      proxy.dispose();
    };
    const rendering = (async () => {
      if (entries[id].name === "AnyModel") {
        const def = await widgetDef(id);
        if (typeof def.render !== "function") return;
        const result = await def.render({ model: proxy, el, experimental: experimental(model) });
        if (typeof result === "function") cleanup = result;
      } else if (CONTROL_MODELS.has(entries[id].name)) {
        cleanup = await renderControl({ model: proxy, el, renderChild: renderInto });
      } else {
        throw new Error(`widget type ${entries[id].name} cannot run in a deck`);
      }
    })();
    try {
      await withTimeout(rendering, timeoutMs, `rendering widget ${id}`);
    } catch (err) {
      // Its listeners go now; a render that finishes late is cleaned up when it does.
      done = true;
      proxy.dispose();
      rendering.then(() => {
        try {
          cleanup();
        } catch {
          /* already reported as failed */
        }
        proxy.dispose();
      }, () => {});
      throw err;
    }
    return dispose;
  }

  /** Start links (jslink/jsdlink) and initialize every model; never waits on a broken one. */
  function start() {
    return Promise.all(Object.keys(entries).map((id) => initModel(id).catch(() => {}))).then(() => undefined);
  }

  return { getModel, renderInto, start, manager };
}
