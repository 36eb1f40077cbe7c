// The deck's anywidget host (js/src/deck/host.js) and ipywidgets controls, in jsdom.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.Node = dom.window.Node;
globalThis.Event = dom.window.Event;

const { createHost, DeckModel, b64ToDataView, setAtPath } = await import("../src/deck/host.js");

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
