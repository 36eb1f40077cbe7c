// AnalogyPicker render code and the shared template filler, on a fake model in jsdom.
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.HTMLElement = dom.window.HTMLElement;

const { fill, templateSlots, computeSlots, slotsFromCurve, aucFromCurve, fmt, perBase, conditionHolds, fillAnalogy } = await import(
  "../src/shared/template.js"
);
const { readCurve, per100 } = await import("../src/shared/curve.js");
const widget = (await import("../src/analogy_picker.js")).default;

class FakeModel {
  constructor(state, manager = null) {
    this.state = { ...state };
    this.handlers = new Map();
    this.saved = 0;
    this.widget_manager = manager;
  }
  get(k) {
    return this.state[k];
  }
  set(k, v) {
    const old = this.state[k];
    this.state[k] = v;
    if (old !== v) for (const f of this.handlers.get(`change:${k}`) || []) f();
  }
  on(ev, f) {
    if (!this.handlers.has(ev)) this.handlers.set(ev, new Set());
    this.handlers.get(ev).add(f);
  }
  off(ev, f) {
    this.handlers.get(ev)?.delete(f);
  }
  save_changes() {
    this.saved += 1;
  }
  listeners(ev) {
    return this.handlers.get(ev)?.size || 0;
  }
}

const f64 = (a) => new DataView(Float64Array.from(a).buffer);

// A small curve: 100 positives, 300 negatives, thresholds 0.1 .. 0.9
function fakeCurve() {
  const thresholds = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
  const tp = [10, 10, 9, 9, 8, 7, 5, 3, 1].map((v) => v * 10);
  const fp = [30, 24, 18, 12, 8, 5, 3, 1, 0].map((v) => v * 10);
  return { thresholds: f64(thresholds), tp: f64(tp), fp: f64(fp), total_pos: 100, total_neg: 300, n_pos: 100, n_neg: 300, weighted: false };
}

const LIB = [
  {
    id: "medical_test",
    title: "A medical test",
    concepts: ["errors", "trade_off"],
    audiences: ["executives"],
    text: "Out of every {base} {noun}, it flags {flagged}. Of those, {tp} are {positive} and {fp} are false alarms.",
    misleads: "A test is run once.",
    why: "Everyone knows tests.",
    source: "built-in",
  },
  {
    id: "weather_forecast",
    title: "A weather forecast",
    concepts: ["probability"],
    audiences: ["everyone"],
    text: "It said about {said_in_100} in 100.",
    misleads: "m",
    why: "w",
    source: "built-in",
  },
  {
    id: "evil",
    title: '<img src=x onerror="globalThis.pwned=1">',
    concepts: ["errors"],
    audiences: ["<script>globalThis.pwned=1</script>"],
    text: "<b>{noun}</b> {fp} <script>globalThis.pwned=1</script>",
    misleads: "<iframe src=javascript:alert(1)>",
    why: "</dd><dd>",
    source: "/home/u/<evil>.toml",
  },
];
const CONCEPTS = [
  { id: "errors", label: "Missed cases and false alarms" },
  { id: "trade_off", label: "Trade-off" },
  { id: "probability", label: "Probability" },
];

function baseState(extra = {}) {
  return {
    library: LIB,
    concepts: CONCEPTS,
    concept: "errors",
    analogy: "medical_test",
    slots: computeSlots({ tp: 40, fp: 12, fn: 8, tn: 140 }, { noun: "patients" }),
    explorer: null,
    noun: "patients",
    positive: "real cases",
    worked_with: {},
    text: "",
    ...extra,
  };
}

function mount(model) {
  const el = document.createElement("div");
  document.body.append(el);
  const cleanup = widget.render({ model, el });
  return { el, cleanup, q: (id) => el.querySelector(`[data-testid="${id}"]`) };
}

test("fill: slots, literal braces, missing values", () => {
  assert.equal(fill("{{x}} {noun}: {fp}", { noun: "cats", fp: "3" }), "{x} cats: 3");
  assert.equal(fill("a {rank_in_100} b", { rank_in_100: null }), null);
  assert.deepEqual(templateSlots("{noun} {tp} {{ }}"), ["noun", "tp"]);
  assert.throws(() => templateSlots("{nope}"), /unknown slot/);
  assert.throws(() => templateSlots("{noun"), /lone/);
  assert.equal(fmt(1234567), "1,234,567");
});

test("computeSlots: natural frequencies that add up, per 1,000 when rare", () => {
  const s = computeSlots({ tp: 40, fp: 12, fn: 8, tn: 140 }, { noun: "patients" });
  assert.equal(s.base, "100");
  assert.equal(Number(s.tp) + Number(s.fp) + Number(s.fn) + Number(s.tn), 100);
  assert.equal(s.catch_in_100, "83");
  assert.equal(s.miss_in_100, "17");
  assert.equal(s.right_in_100, "77");
  assert.equal(s.said_in_100, null);
  const rare = computeSlots({ tp: 3, fp: 40, fn: 2, tn: 955 }, {});
  assert.equal(rare.base, "1,000");
  assert.equal(rare.tp, "3");
  assert.deepEqual(perBase({ tp: 1, fp: 1, fn: 1, tn: 0 }, 100), per100({ tp: 1, fp: 1, fn: 1, tn: 0 }));
  const none = computeSlots({ tp: 0, fp: 0, fn: 5, tn: 95 }, {});
  assert.equal(none.right_in_100, null);
  assert.equal(none.lift, null);
});

test("aucFromCurve and slotsFromCurve on a known curve", () => {
  const c = readCurve(fakeCurve());
  const auc = aucFromCurve(c);
  assert.ok(auc > 0.5 && auc < 1);
  const s = slotsFromCurve(c, 0.52, { noun: "cases", isProbability: true });
  // nearest grid point is 0.5: tp 8, fp 8 of 40 -> 20 / 20 per 100
  assert.equal(s.tp, "20");
  assert.equal(s.fp, "20");
  assert.equal(s.said_in_100, "50");
  // band: grid points 0.4 to 0.6 (nearest to 0.45 and 0.55): 20 of 90 cases are real
  assert.equal(s.band_cases, "90");
  assert.equal(s.band_hits, "20");
  assert.equal(s.observed_in_100, "22");
  assert.equal(s.verdict, "too high");
  const few = computeSlots({ tp: 8, fp: 8, fn: 2, tn: 22 }, { isProbability: true, threshold: 0.5, band: [1, 4, 5, 1] });
  assert.equal(few.observed_in_100, null); // fewer than 30 cases near the cut-off
  assert.equal(few.right_in_100, null); // a share of 16 flags is not given
  assert.equal(few.tp, null);
});

test("plurals, conditions and a weighted curve synced without case counts", () => {
  const t = "Of those, {tp} {tp|is a false alarm|are false alarms}.";
  assert.equal(fill(t, { tp: "1" }), "Of those, 1 is a false alarm.");
  assert.equal(fill(t, { tp: "2" }), "Of those, 2 are false alarms.");
  assert.equal(fill(t, { tp: "0" }), "Of those, 0 are false alarms.");
  assert.throws(() => templateSlots("{noun|is|are}"), /number slot/);
  assert.throws(() => templateSlots("{tp|is}"), /one\|many/);
  assert.equal(conditionHolds("right_in_100 < 50 and share_in_100 < 50", { right_in_100: "14", share_in_100: "5" }), true);
  assert.equal(conditionHolds("right_in_100 < 50", { right_in_100: "93" }), false);
  assert.equal(conditionHolds("lift >= 2", { lift: null }), false);
  assert.equal(conditionHolds("flagged >= tp", { flagged: "1,001", tp: "999" }), true);
  const a = { text: "Only {tp} of those.", when: "right_in_100 < 50", when_not: "No." };
  assert.equal(fillAnalogy(a, { tp: "3", right_in_100: "93" }), null);
  assert.equal(fillAnalogy(a, { tp: "3", right_in_100: "14" }), "Only 3 of those.");
  const raw = fakeCurve();
  raw.weighted = true; // no tp_cases / fp_cases: fall back to the counts, as Python does
  const s = slotsFromCurve(readCurve(raw), 0.5, { isProbability: true });
  for (const v of Object.values(s)) assert.ok(v === null || !String(v).includes("NaN"));
  assert.equal(s.band_cases, "90");
});

test("standalone: renders cards for the concept and the filled text", () => {
  const model = new FakeModel(baseState());
  const { q, el, cleanup } = mount(model);
  assert.ok(el.querySelector(".ew-analogy-picker"));
  assert.ok(q("card-medical_test"));
  assert.equal(q("card-weather_forecast"), null);
  assert.equal(q("card-medical_test").getAttribute("aria-pressed"), "true");
  assert.equal(
    q("text").textContent,
    "Out of every 100 patients, it flags 26. Of those, 20 are real cases and 6 are false alarms.",
  );
  assert.equal(q("concept-errors").getAttribute("aria-pressed"), "true");
  cleanup();
});

test("clicking a concept picks a fitting analogy and saves", () => {
  const model = new FakeModel(baseState());
  const { q, cleanup } = mount(model);
  q("concept-probability").click();
  assert.equal(model.get("concept"), "probability");
  assert.equal(model.get("analogy"), "weather_forecast");
  assert.ok(model.saved >= 1);
  // scores are not chances here: the card says it does not fit, the text explains why
  assert.match(q("text").textContent, /^Not available here: the model's scores are not chances/);
  assert.equal(q("copy").disabled, true);
  cleanup();
});

test("hostile library text stays text: no elements, no script runs", () => {
  globalThis.pwned = 0;
  const model = new FakeModel(baseState({ analogy: "evil" }));
  const { q, el, cleanup } = mount(model);
  assert.equal(el.querySelectorAll("img, script, iframe, b").length, 0);
  assert.equal(q("text").textContent, "<b>patients</b> 6 <script>globalThis.pwned=1</script>");
  assert.match(q("card-evil").textContent, /<img src=x/);
  assert.equal(q("misleads").textContent, "<iframe src=javascript:alert(1)>");
  assert.match(q("source").textContent, /<evil>\.toml/);
  assert.equal(globalThis.pwned, 0);
  cleanup();
});

test("worked-with mark goes into the synced trait and shows as a badge", () => {
  const model = new FakeModel(baseState());
  const { q, cleanup } = mount(model);
  q("audience").value = "  the CFO ";
  q("mark").click();
  assert.deepEqual(model.get("worked_with"), { medical_test: ["the CFO"] });
  assert.equal(q("marks").textContent, "the CFO");
  assert.match(q("card-medical_test").textContent, /Worked with the CFO/);
  q("audience").value = "the CFO";
  q("mark").click();
  assert.deepEqual(model.get("worked_with"), { medical_test: ["the CFO"] });
  cleanup();
});

test("copy puts exactly the shown text on the clipboard", async () => {
  let copied = null;
  Object.defineProperty(globalThis, "navigator", {
    value: { clipboard: { writeText: async (t) => { copied = t; } } },
    configurable: true,
  });
  const model = new FakeModel(baseState());
  const { q, cleanup } = mount(model);
  q("copy").click();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(copied, q("text").textContent);
  cleanup();
});

test("bound to an explorer model: text follows its threshold, no kernel needed", async () => {
  const explorer = new FakeModel({ curve: fakeCurve(), threshold: 0.5, noun: "applicants", is_probability: true });
  const manager = {
    async get_model(id) {
      assert.equal(id, "abc123");
      return explorer;
    },
  };
  const model = new FakeModel(baseState({ explorer: "IPY_MODEL_abc123", noun: "" }), manager);
  const { q, el, cleanup } = mount(model);
  await el.querySelector(".ew-analogy-picker").ready;
  assert.equal(q("text").textContent, "Out of every 100 applicants, it flags 40. Of those, 20 are real cases and 20 are false alarms.");
  explorer.set("threshold", 0.9); // 10 flags: too few to split
  assert.equal(q("text").textContent, "Not available here: the model flags too few cases at this setting to judge its flags.");
  explorer.set("threshold", 0.8);
  assert.equal(q("text").textContent, "Out of every 100 applicants, it flags 11. Of those, 8 are real cases and 3 are false alarms.");
  assert.match(q("source").textContent, /follow the explorer's slider/);
  assert.equal(explorer.listeners("change:threshold"), 1);
  cleanup();
  assert.equal(explorer.listeners("change:threshold"), 0);
});

test("explorer that cannot be resolved: falls back to the saved numbers", async () => {
  const manager = { async get_model() { throw new Error("no such model"); } };
  const model = new FakeModel(baseState({ explorer: "IPY_MODEL_gone" }), manager);
  const { q, el, cleanup } = mount(model);
  await el.querySelector(".ew-analogy-picker").ready;
  assert.match(q("text").textContent, /flags 26/);
  assert.match(q("source").textContent, /not available here/);
  cleanup();
});

test("keyboard events stop at the widget root", () => {
  const model = new FakeModel(baseState());
  const { el, q, cleanup } = mount(model);
  let reached = false;
  el.addEventListener("keydown", () => { reached = true; });
  q("audience").dispatchEvent(new dom.window.KeyboardEvent("keydown", { key: "ArrowLeft", bubbles: true }));
  assert.equal(reached, false);
  cleanup();
});
