// The real render code of the UncertaintySpectrum, in jsdom, with a fake model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.Node = dom.window.Node;
globalThis.KeyboardEvent = dom.window.KeyboardEvent;

const widget = (await import("../src/uncertainty_spectrum.js")).default;
const { decision, decisionText, cutoffText, axisMax, markerPositions } = await import("../src/uncertainty_spectrum.js");

const LEVELS = ["Certain", "Confident", "Tentative", "Speculative", "Highly speculative"];

class FakeModel {
  constructor(state, manager) {
    this.state = { ...state };
    this.handlers = new Map();
    this.widget_manager = manager;
  }
  get(k) {
    return this.state[k];
  }
  set(k, v) {
    this.state[k] = v;
    for (const cb of this.handlers.get(`change:${k}`) || []) cb();
  }
  on(ev, cb) {
    if (!this.handlers.has(ev)) this.handlers.set(ev, new Set());
    this.handlers.get(ev).add(cb);
  }
  off(ev, cb) {
    this.handlers.get(ev)?.delete(cb);
  }
  save_changes() {}
  listeners(ev) {
    return this.handlers.get(ev)?.size || 0;
  }
}

function measured(over = {}) {
  return {
    label: "Applicant 1042",
    text: "About 15 in 100 applicants like this one default — unlikely",
    level: "Confident",
    level_index: 1,
    estimate: 0.153,
    lo: 0.11,
    hi: 0.19,
    likelihood: "unlikely",
    range_text: "11 to 19 in 100",
    reasons: ["the range is 11 to 19 in 100", "only 12 of 6,000 past applicants look like this one"],
    steps: { range: 1, support: 1, calibration: 0 },
    measured: true,
    ...over,
  };
}

function hand(text, i) {
  return { label: "", text, level: LEVELS[i], level_index: i, estimate: null, lo: null, hi: null, likelihood: null, range_text: null, reasons: [], steps: {}, measured: false };
}

function mount(state, manager) {
  const model = new FakeModel({ levels: LEVELS, threshold: null, threshold_source: null, title: "", note: "", ...state }, manager);
  const el = document.createElement("div");
  document.body.append(el);
  const cleanup = widget.render({ model, el });
  return { model, el, cleanup };
}

test("decision mirrors Python (flag when score >= threshold)", () => {
  assert.equal(decision(0.11, 0.19, 0.15), "either");
  assert.equal(decision(0.11, 0.19, 0.11), "flag");
  assert.equal(decision(0.11, 0.19, 0.2), "no flag");
  assert.equal(
    decisionText(0.11, 0.19, 0.15),
    "the range crosses the cut-off (15 in 100): the decision could go either way",
  );
  assert.equal(decisionText(0.11, 0.19, 0.125), "the range crosses the cut-off (13 in 100): the decision could go either way");
});

test("decisions are taken on the numbers shown (no contradiction after rounding)", () => {
  // shown "20 to 45 in 100", cut-off 0.2055 shows as "21 in 100": the range crosses it
  assert.equal(decision(20, 45, 0.2055, 100), "either");
  assert.equal(decisionText(20, 45, 0.2055, 100), "the range crosses the cut-off (21 in 100): the decision could go either way");
  // raw numbers would have said "flag" (0.2095 >= 0.2055)
  assert.equal(decision(0.2095, 0.45, 0.2055), "flag");
  assert.equal(cutoffText(0.0123, 1000), "12 in 1,000");
  assert.equal(decision(12, 20, 0.0123, 1000), "flag");
  assert.equal(decision(5, 11, 0.0123, 1000), "no flag");
});

test("axis and marker layout", () => {
  assert.equal(axisMax([{ hi: 0.03 }], null), 0.05);
  assert.equal(axisMax([{ hi: 0.19 }], 0.3), 0.5);
  assert.equal(axisMax([{ hi: null }], null), 0.05);
  const xs = markerPositions([{ level_index: 0 }, { level_index: 4 }, { level_index: 4 }], 5);
  assert.deepEqual(xs.map((x) => +x.toFixed(4)), [0.1, 0.8667, 0.9333]);
});

test("renders the bar, the statements and their reasons", () => {
  const { el, cleanup } = mount({ statements: [measured(), hand("The price change caused it", 4)], title: "How sure are we?", note: "Ranges from 200 refits." });
  const root = el.querySelector('[data-testid="uncertainty-spectrum"]');
  assert.ok(root.classList.contains("ew-uncertainty-spectrum"));
  assert.deepEqual([...root.querySelectorAll(".ew-us-seg")].map((s) => s.textContent), LEVELS);
  const markers = root.querySelectorAll(".ew-us-marker");
  assert.equal(markers.length, 2);
  assert.equal(parseFloat(markers[0].style.left), 30);
  assert.match(markers[1].getAttribute("aria-label"), /Statement 2: The price change caused it\. How sure: Highly speculative/);
  const card = root.querySelector('[data-testid="card-0"]');
  assert.equal(card.querySelector('[data-testid="level"]').textContent, "How sure: Confident");
  assert.equal(card.querySelector('[data-testid="chance"]').textContent, "Chance: unlikely");
  assert.doesNotMatch(card.textContent, /Confidence:|Likelihood:/);
  assert.equal(card.querySelectorAll('[data-testid="reasons"] li').length, 2);
  assert.ok(card.querySelector('[data-testid="range"]'));
  assert.equal(root.querySelector('[data-testid="card-1"] [data-testid="range"]'), null);
  assert.equal(root.querySelector('[data-testid="decision"]'), null);
  cleanup();
  assert.equal(el.children.length, 0);
});

test("shown numbers decide, and technical detail is folded away", () => {
  const s = measured({ lo: 0.2095, hi: 0.448, estimate: 0.3, per: 100, lo_shown: 20, hi_shown: 45, range_text: "20 to 45 in 100", detail: "Technical: bootstrap" });
  const { el } = mount({ statements: [s], threshold: 0.2055, detail: "Technical: all" });
  assert.equal(el.querySelector('[data-testid="decision"]').textContent, "the range crosses the cut-off (21 in 100): the decision could go either way");
  const d = el.querySelector('[data-testid="card-0"] [data-testid="detail"]');
  assert.equal(d.tagName, "DETAILS");
  assert.equal(d.querySelector("summary").textContent, "Technical detail");
  assert.match(d.textContent, /Technical: bootstrap/);
  assert.match(el.querySelector('[data-testid="detail-all"]').textContent, /Technical: all/);
  const ticks = [...el.querySelectorAll(".ew-us-tick")].map((t) => t.textContent);
  assert.ok(ticks.includes("50 in 100"), ticks.join("|"));
  const { el: el2 } = mount({ statements: [measured({ lo: 0.025, hi: 0.05, estimate: 0.035, per: 1000, lo_shown: 25, hi_shown: 50 })] });
  const ticks2 = [...el2.querySelectorAll(".ew-us-tick")].map((t) => t.textContent);
  assert.deepEqual(ticks2, ["0", "25", "50 in 1,000"]);
  assert.doesNotMatch(el.querySelector('[data-testid="reasons"]').textContent, /Technical/);
});

test("text from Python stays text (no HTML injection)", () => {
  const evil = '<img src=x onerror="globalThis.pwned=1">';
  const { el } = mount({ statements: [measured({ text: evil, label: evil, reasons: [evil] })], title: evil, note: evil });
  assert.equal(el.querySelector("img"), null);
  assert.equal(el.querySelector('[data-testid="text"]').textContent, evil);
  assert.equal(globalThis.pwned, undefined);
});

test("a threshold shows whether the decision could go either way, live", () => {
  const { model, el } = mount({ statements: [measured(), measured({ lo: 0.3, hi: 0.4, estimate: 0.35 })], threshold: 0.15 });
  const decisions = () => [...el.querySelectorAll('[data-testid="decision"]')].map((d) => d.textContent);
  assert.match(decisions()[0], /could go either way/);
  assert.match(decisions()[1], /flagged either way/);
  assert.ok(el.querySelector('[data-testid="decision"]').classList.contains("either"));
  model.set("threshold", 0.5);
  assert.match(decisions()[0], /below the cut-off \(50 in 100\): not flagged/);
  assert.ok(el.querySelector('[data-testid="threshold-line"]'));
});

test("follows a linked threshold explorer through the widget manager", async () => {
  const explorer = new FakeModel({ threshold: 0.15, is_probability: true });
  const manager = { get_model: async (id) => (id === "abc" ? explorer : null) };
  const { el, cleanup } = mount({ statements: [measured()], threshold: 0.9, threshold_source: "IPY_MODEL_abc" }, manager);
  await new Promise((r) => setTimeout(r, 0));
  const text = () => el.querySelector('[data-testid="decision"]').textContent;
  assert.match(text(), /could go either way/);
  explorer.set("threshold", 0.05);
  assert.match(text(), /flagged either way/);
  assert.equal(explorer.listeners("change:threshold"), 1);
  cleanup();
  assert.equal(explorer.listeners("change:threshold"), 0);
});

test("keyboard: arrows move between statements; focus and ARIA follow", () => {
  const { el } = mount({ statements: [measured(), hand("B", 0), hand("C", 3)] });
  const m0 = el.querySelector('[data-testid="marker-0"]');
  assert.equal(m0.getAttribute("aria-checked"), "true");
  assert.equal(m0.getAttribute("tabindex"), "0");
  m0.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
  const m1 = el.querySelector('[data-testid="marker-1"]');
  assert.equal(m1.getAttribute("aria-checked"), "true");
  assert.equal(document.activeElement, m1);
  assert.equal(el.querySelector('[data-testid="card-1"]').getAttribute("aria-current"), "true");
  m1.dispatchEvent(new KeyboardEvent("keydown", { key: "End", bubbles: true }));
  assert.equal(el.querySelector('[data-testid="marker-2"]').getAttribute("aria-checked"), "true");
  el.querySelector('[data-testid="marker-2"]').dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
  assert.equal(el.querySelector('[data-testid="marker-0"]').getAttribute("aria-checked"), "true");
});

test("key presses do not reach the page (JupyterLab, reveal.js)", () => {
  const { el } = mount({ statements: [measured()] });
  let reached = false;
  const spy = () => {
    reached = true;
  };
  document.body.addEventListener("keydown", spy);
  el.querySelector('[data-testid="marker-0"]').dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft", bubbles: true }));
  document.body.removeEventListener("keydown", spy);
  assert.equal(reached, false);
});

test("redraws when the statements change", () => {
  const { model, el } = mount({ statements: [measured()] });
  model.set("statements", [hand("A", 0), hand("B", 1), hand("C", 2)]);
  assert.equal(el.querySelectorAll(".ew-us-marker").length, 3);
});

test("reasons fold under 'Why here?' unless reasons_open", () => {
  const { el } = mount({ statements: [measured({})] });
  const why = el.querySelector('[data-testid="why"]');
  assert.equal(why.tagName, "DETAILS");
  assert.equal(why.open, false);
  assert.match(why.querySelector("summary").textContent, /Why here\? \(2 reasons\)/);
  const open = mount({ statements: [measured({})], reasons_open: true }).el;
  assert.equal(open.querySelector('[data-testid="why"]').open, true);
});
