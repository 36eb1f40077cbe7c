// The deck's anywidget host (js/src/deck/host.js) and ipywidgets controls, in jsdom.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.Node = dom.window.Node;
globalThis.Event = dom.window.Event;

const { createHost, DeckModel, ModelProxy, b64ToDataView, setAtPath } = await import("../src/deck/host.js");

const floats = Buffer.from(new Float64Array([1.5, 2.5]).buffer).toString("base64");

const counterModule = {
  default: {
    initialize({ model }) {
      model.set("started", true);
    },
    async render({ model, el }) {
      const other = await model.widget_manager.get_model(model.get("peer"));
      const b = document.createElement("button");
      const f = () => {
        const arr = new Float64Array(model.get("data").points.buffer);
        b.textContent = `${model.get("value")} ${arr[0] + arr[1]} ${other.get("value")}`;
      };
      f();
      model.on("change:value", f);
      other.on("change:value", f);
      el.append(b);
      return () => {
        model.off("change:value", f);
        el.textContent = "cleaned";
      };
    },
  },
};

function data() {
  return {
    modules: { m1: "export default {}" },
    models: {
      c: {
        name: "AnyModel",
        esm: "m1",
        state: { value: 3, peer: "IPY_MODEL_s", data: { other: 1 } },
        buffers: [{ path: ["data", "points"], data: floats }],
      },
      s: { name: "IntSliderModel", state: { value: 4, min: 0, max: 10, step: 1, description: "Level" } },
      t: { name: "IntTextModel", state: { value: 0 } },
      l: { name: "LinkModel", state: { source: ["IPY_MODEL_s", "value"], target: ["IPY_MODEL_t", "value"] } },
      box: { name: "VBoxModel", state: { children: ["IPY_MODEL_s", "IPY_MODEL_t", "IPY_MODEL_gone"] } },
    },
  };
}

test("buffers become DataViews at their paths", () => {
  const dv = b64ToDataView(floats);
  assert.ok(dv instanceof DataView);
  assert.equal(dv.getFloat64(0, true), 1.5);
  const obj = {};
  setAtPath(obj, ["a", 0, "b"], 1);
  assert.deepEqual(obj, { a: [{ b: 1 }] });
});

test("model get/set/on/off: change events only on real changes", () => {
  const m = new DeckModel("x", { name: "AnyModel", state: { v: 1, o: { a: 1 } } }, {});
  const seen = [];
  const f = (model, value) => seen.push([model.model_id, value]);
  m.on("change:v", f);
  m.set("v", 1);
  m.set("v", 2);
  m.set("o", { a: 1 }); // equal content: no event
  m.save_changes();
  m.send({ any: "message" });
  m.off("change:v", f);
  m.set("v", 3);
  assert.deepEqual(seen, [["x", 2]]);
  assert.equal(m.get("v"), 3);
});

test("anywidget renders from embedded code; IPY_MODEL references resolve; cleanup runs", async () => {
  let imports = 0;
  const host = createHost(data(), { importModule: async () => { imports++; return counterModule; } });
  await host.start();
  const el = document.createElement("div");
  const cleanup = await host.renderInto(el, "c");
  assert.equal(el.textContent, "3 4 4");
  assert.equal(host.getModel("c").get("started"), true); // initialize ran
  host.getModel("s").set("value", 7);
  assert.equal(el.textContent, "3 4 7");
  host.getModel("c").set("value", 5);
  assert.equal(el.textContent, "5 4 7");
  await host.renderInto(document.createElement("div"), "c");
  assert.equal(imports, 1); // one import per module, shared by views
  cleanup();
  assert.equal(el.textContent, "cleaned");
  await assert.rejects(host.manager.get_model("IPY_MODEL_nope"), /not in this deck/);
});

test("ipywidgets slider, text and jslink work without a kernel; unknown children say so", async () => {
  const host = createHost(data(), { importModule: async () => counterModule });
  await host.start();
  const el = document.createElement("div");
  await host.renderInto(el, "box");
  const range = el.querySelector("input[type=range]");
  const number = el.querySelector("input[type=number]");
  assert.equal(number.value, "4"); // the link copied the slider's value at start
  range.value = "9";
  range.dispatchEvent(new window.Event("input"));
  assert.equal(host.getModel("s").get("value"), 9);
  assert.equal(number.value, "9");
  assert.equal(el.querySelector("output").textContent, "9");
  assert.equal(el.querySelector("label").textContent, "Level");
  assert.match(el.textContent, /not available offline/);
});

test("a model with no saved code fails loudly (the page keeps the picture)", async () => {
  const d = data();
  delete d.models.c.esm;
  const host = createHost(d, { importModule: async () => counterModule });
  await assert.rejects(host.renderInto(document.createElement("div"), "c"), /no code saved/);
});

// -- one broken widget never stops the others ------------------------------------------------

function brokenData() {
  return {
    modules: { good: "good", hang: "hang", boom: "boom", bad: "bad" },
    models: {
      g: { name: "AnyModel", esm: "good", state: { value: 1 } },
      h: { name: "AnyModel", esm: "hang", state: {} },
      b: { name: "AnyModel", esm: "boom", state: {} },
      x: { name: "AnyModel", esm: "bad", state: {} },
      r: { name: "AnyModel", esm: "good", state: { value: 2, peer: "IPY_MODEL_h" } },
    },
  };
}

const brokenModules = {
  good: {
    default: {
      async render({ model, el }) {
        const peer = model.get("peer") ? await model.widget_manager.get_model(model.get("peer")) : null;
        el.textContent = `ok ${model.get("value")}${peer ? " peer" : ""}`;
      },
    },
  },
  hang: { default: { initialize: () => new Promise(() => {}), render() {} } },
  boom: { default: { initialize() { throw new Error("boom"); }, render() {} } },
};

function brokenHost() {
  return createHost(brokenData(), {
    timeoutMs: 150,
    importModule: async (key) => {
      if (key === "bad") throw new SyntaxError("bad module");
      return brokenModules[key];
    },
  });
}

test("a hanging, a throwing and an unimportable widget do not stop a working one", async () => {
  const host = brokenHost();
  host.start(); // not awaited: the deck never waits for every model
  const el = document.createElement("div");
  const t0 = Date.now();
  await host.renderInto(el, "g");
  assert.equal(el.textContent, "ok 1");
  assert.ok(Date.now() - t0 < 100, "the working widget waited for the broken ones");
  await assert.rejects(host.renderInto(document.createElement("div"), "h"), /initialize of widget h took longer/);
  await assert.rejects(host.renderInto(document.createElement("div"), "b"), /boom/);
  await assert.rejects(host.renderInto(document.createElement("div"), "x"), /bad module/);
  // A widget that references the hanging one waits only up to the time limit, then renders.
  const ref = document.createElement("div");
  await host.renderInto(ref, "r");
  assert.equal(ref.textContent, "ok 2 peer");
  await host.start(); // settles even though some models never start
});

test("a render that never finishes or throws fails that box only, within the limit", async () => {
  const d = { modules: { slow: "slow", err: "err" }, models: {
    s: { name: "AnyModel", esm: "slow", state: {} },
    e: { name: "AnyModel", esm: "err", state: {} },
  } };
  const mods = {
    slow: { default: { render: ({ model }) => { model.on("change:v", () => {}); return new Promise(() => {}); } } },
    err: { default: { render: ({ model }) => { model.on("change:v", () => {}); throw new Error("render broke"); } } },
  };
  const host = createHost(d, { timeoutMs: 100, importModule: async (k) => mods[k] });
  await assert.rejects(host.renderInto(document.createElement("div"), "s"), /rendering widget s took longer/);
  await assert.rejects(host.renderInto(document.createElement("div"), "e"), /render broke/);
  // Their listeners were dropped with the failed views.
  assert.equal(host.getModel("s")._listeners.size, 0);
  assert.equal(host.getModel("e")._listeners.size, 0);
});

// -- Backbone / anywidget model semantics ------------------------------------------------------

test("set({a, b}) stores every value before any event, then change:x each, then one change", () => {
  const m = new DeckModel("x", { name: "AnyModel", state: { a: 0, b: 0, c: 5 } }, {});
  const seen = [];
  m.on("change:a", (model, v) => seen.push(["a", v, model.get("a"), model.get("b")]));
  m.on("change:b", (model, v) => seen.push(["b", v, model.get("a"), model.get("b")]));
  m.on("change:c", () => seen.push(["c"]));
  m.on("change", () => seen.push(["change"]));
  m.set({ a: 1, b: 2, c: 5 });
  assert.deepEqual(seen, [["a", 1, 1, 2], ["b", 2, 1, 2], ["change"]]);
});

test("each view has its own model proxy: off(event) removes only that view's listeners", async () => {
  const d = { modules: { v: "v" }, models: { m: { name: "AnyModel", esm: "v", state: { n: 0 } } } };
  const views = [];
  const mod = {
    default: {
      render({ model, el }) {
        const f = () => { el.textContent = String(model.get("n")); };
        model.on("change:n", f);
        views.push({ model, el });
        return () => { el.dataset.cleaned = "yes"; };
      },
    },
  };
  const host = createHost(d, { importModule: async () => mod });
  const one = document.createElement("div");
  const two = document.createElement("div");
  const cleanOne = await host.renderInto(one, "m");
  await host.renderInto(two, "m");
  assert.notEqual(views[0].model, views[1].model);
  views[0].model.off("change:n"); // no callback: only view one's listener goes
  host.getModel("m").set("n", 3);
  assert.equal(one.textContent, "");
  assert.equal(two.textContent, "3");
  views[0].model.on("change:n", () => { one.textContent = "again"; });
  cleanOne(); // render's cleanup runs and the view's listeners are dropped
  assert.equal(one.dataset.cleaned, "yes");
  host.getModel("m").set("n", 4);
  assert.equal(one.textContent, "");
  assert.equal(two.textContent, "4");
  views[1].model.off(); // everything of view two
  assert.equal(host.getModel("m")._listeners.size, 0);
});

test("on(event, callback, context) calls the callback with the context as this", () => {
  const m = new DeckModel("x", { name: "AnyModel", state: { v: 0 } }, {});
  const ctx = { name: "ctx" };
  let self = null;
  m.on("change:v", function () { self = this; }, ctx);
  m.set("v", 1);
  assert.equal(self, ctx);
  const proxy = new ModelProxy(m);
  let pself = null;
  proxy.on("change:v", function () { pself = this; }, ctx);
  m.set("v", 2);
  assert.equal(pself, ctx);
  proxy.off(null, null, ctx);
  assert.equal((m._listeners.get("change:v") || []).length, 1);
});
