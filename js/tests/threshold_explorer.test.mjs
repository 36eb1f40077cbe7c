import { test, before } from "node:test";
import assert from "node:assert/strict";
import { installDom, fakeModel, curveState } from "./fake_model.mjs";

let widget;
before(async () => {
  installDom();
  widget = (await import("../src/threshold_explorer.js")).default;
});

const LENDING = {
  flag: "decline",
  score: "risk of default",
  flagged: "Declined",
  not_flagged: "Approved",
  tp: ["default we avoid", "defaults we avoid"],
  fp: ["good customer turned away", "good customers turned away"],
  fn: ["default we approve", "defaults we approve"],
  tn: ["good customer approved", "good customers approved"],
};

function model(extra = {}) {
  return fakeModel({
    curve: curveState({
      thresholds: [0.05, 0.1, 0.15, 0.3],
      tp: [90, 70, 50, 20],
      fp: [400, 200, 90, 10],
      totalPos: 100,
      totalNeg: 900,
    }),
    threshold: 0.1,
    payoff: { tp: 0, fp: -300, fn: -5000, tn: 300 },
    currency: "USD",
    locale: "en-US",
    noun: "applicants",
    labels: LENDING,
    population: 12000,
    presets: [
      { id: "catch_more", label: "Catch more", help: "…", threshold: 0.05 },
      { id: "best_value", label: "Best value", help: "…", threshold: 0.15 },
    ],
    marked_cases: [{ score: 0.12, label: "Applicant #1042" }],
    is_probability: true,
    title: "Should we approve?",
    min_cases: 30,
    ...extra,
  });
}

const q = (el, id) => el.querySelector(`[data-testid="${id}"]`);

test("renders natural frequencies and money at the threshold", () => {
  const el = document.createElement("div");
  const m = model();
  widget.render({ model: m, el });
  // threshold 0.1: tp 70, fp 200, fn 30, tn 700 of 1000 -> per 100: 7, 20, 3, 70
  assert.equal(q(el, "per100-tp").textContent, "7");
  assert.equal(q(el, "per100-fp").textContent, "20");
  assert.equal(q(el, "per100-fn").textContent, "3");
  assert.equal(q(el, "per100-tn").textContent, "70");
  // value: (0*70 - 300*200 - 5000*30 + 300*700) / 1000 * 100 = 0 -> "Earns $0"
  assert.match(q(el, "value-per-100").textContent, /\$0$/);
  assert.equal(
    q(el, "sentence").textContent,
    "Of every 100 applicants: 7 defaults we avoid, 20 good customers turned away, 3 defaults we approve and 70 good customers approved.",
  );
  assert.equal(q(el, "threshold-value").textContent, "Decline when risk of default is at least 10 in 100");
  assert.equal(el.querySelector(".ew-threshold-explorer").getAttribute("data-threshold"), "0.1");
  assert.equal(el.querySelectorAll('[data-testid="icon-array"] path[data-outcome="fp"]').length, 20);
  assert.match(q(el, "marked-cases").textContent, /Applicant #1042 \(risk of default 12 in 100\): declined/);
});

test("moving the slider updates everything and tells the model", () => {
  const el = document.createElement("div");
  const m = model();
  widget.render({ model: m, el });
  const slider = q(el, "threshold-slider");
  slider.value = "2";
  slider.dispatchEvent(new window.Event("input"));
  assert.equal(m.get("threshold"), 0.15);
  assert.equal(m.saved, 1);
  // 0.15: tp 50, fp 90, fn 50, tn 810 -> 5, 9, 5, 81; value = (-27000 - 250000 + 243000)/1000*100 = -3400
  assert.equal(q(el, "per100-tp").textContent, "5");
  assert.equal(q(el, "per100-tn").textContent, "81");
  assert.match(q(el, "value-per-100").textContent, /^Costs \$3,400$/);
  assert.match(q(el, "marked-cases").textContent, /approved at this cut-off/);
});

test("a threshold set from Python shows at once", () => {
  const el = document.createElement("div");
  const m = model();
  widget.render({ model: m, el });
  m.set("threshold", 0.3);
  assert.equal(q(el, "per100-tp").textContent, "2");
  assert.equal(q(el, "threshold-slider").value, "3");
});

test("presets move the slider; best value follows an edited payoff in the browser", () => {
  const el = document.createElement("div");
  const m = model();
  widget.render({ model: m, el });
  q(el, "preset-catch_more").click();
  assert.equal(m.get("threshold"), 0.05);
  const input = q(el, "payoff-fp");
  input.value = "0";
  input.dispatchEvent(new window.Event("change"));
  assert.deepEqual(m.get("payoff"), { tp: 0, fp: 0, fn: -5000, tn: 300 });
  q(el, "preset-best_value").click();
  // with free false alarms, declining most is best: lowest threshold wins
  assert.equal(m.get("threshold"), 0.05);
});

test("user text is shown as text, never parsed as HTML", () => {
  const el = document.createElement("div");
  const evil = '<img src=x onerror="globalThis.pwned=1">';
  const m = model({ noun: evil, title: evil, labels: { ...LENDING, tp: [evil, evil] }, marked_cases: [{ score: 0.2, label: evil }] });
  widget.render({ model: m, el });
  assert.equal(el.querySelectorAll("img").length, 0);
  assert.ok(q(el, "sentence").textContent.includes(evil));
});

test("few cases: a warning is shown", () => {
  const el = document.createElement("div");
  const m = model({
    curve: curveState({ thresholds: [0.1, 0.5], tp: [5, 2], fp: [30, 3], totalPos: 6, totalNeg: 60 }),
  });
  widget.render({ model: m, el });
  assert.equal(q(el, "warning").hidden, false);
  assert.match(q(el, "warning").textContent, /few cases/);
});

test("cleanup removes every listener", () => {
  const el = document.createElement("div");
  const m = model();
  const cleanup = widget.render({ model: m, el });
  assert.ok(m.listeners() > 0);
  cleanup();
  assert.equal(m.listeners(), 0);
});

test("an invalid locale never blanks the widget", () => {
  const el = document.createElement("div");
  widget.render({ model: model({ locale: "de_DE" }), el });
  assert.equal(q(el, "per100-tp").textContent, "7");
  assert.match(q(el, "value-per-100").textContent, /\$0$/);
});

test("when acting on nobody beats every cut-off, the widget says so", () => {
  const el = document.createElement("div");
  // flagging only ever costs money here: false alarms cost, catching earns nothing
  widget.render({ model: model({ payoff: { tp: 0, fp: -300, fn: 0, tn: 0 } }), el });
  assert.match(q(el, "best").textContent, /Not to decline anyone would do better still: earning \$0 per 100\./);
});

test("warnings name one case in the singular", () => {
  const el = document.createElement("div");
  const m = model({
    curve: curveState({ thresholds: [0.1, 0.5], tp: [90, 1], fp: [880, 0], totalPos: 100, totalNeg: 900 }),
    threshold: 0.5,
  });
  widget.render({ model: m, el });
  assert.match(q(el, "warning").textContent, /Only 1 case in the data falls in the “Declined” group/);
});

test("technical detail fills when opened and follows the slider while open", () => {
  const el = document.createElement("div");
  const m = model();
  widget.render({ model: m, el });
  const details = el.querySelector(".ew-details");
  assert.equal(q(el, "counts"), null); // folded: not built on every slider step
  details.open = true;
  details.dispatchEvent(new window.Event("toggle"));
  assert.equal(q(el, "counts").textContent, "70 / 200 / 30 / 700");
  m.set("threshold", 0.15);
  assert.equal(q(el, "counts").textContent, "50 / 90 / 50 / 810");
});
