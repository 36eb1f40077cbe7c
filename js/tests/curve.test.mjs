import { test } from "node:test";
import assert from "node:assert/strict";
import { per100, valuePer100, bestIndex, nearestIndex, readCurve, breakEven } from "../src/shared/curve.js";
import { curveState } from "./fake_model.mjs";

test("per100 sums to 100 and stays within 1 of the exact share", () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let n = 0; n < 2000; n++) {
    const c = { tp: Math.floor(rand() * 1000), fp: Math.floor(rand() * 1000), fn: rand() * 50, tn: rand() * 1e5 };
    const total = c.tp + c.fp + c.fn + c.tn;
    if (!(total > 0)) continue;
    const p = per100(c);
    assert.equal(p.tp + p.fp + p.fn + p.tn, 100);
    for (const k of ["tp", "fp", "fn", "tn"]) assert.ok(Math.abs(p[k] - (c[k] / total) * 100) < 1);
  }
});

test("per100 breaks ties like Python (earlier outcome first)", () => {
  assert.deepEqual(per100({ tp: 1, fp: 1, fn: 1, tn: 0 }), { tp: 34, fp: 33, fn: 33, tn: 0 });
});

test("best index: highest value, ties to the highest threshold", () => {
  const curve = readCurve(
    curveState({ thresholds: [0.1, 0.2, 0.3, 0.4], tp: [10, 9, 9, 2], fp: [80, 5, 5, 1], totalPos: 10, totalNeg: 90 }),
  );
  const pay = { tp: 100, fp: -10, fn: -100, tn: 0 };
  assert.equal(bestIndex(curve, pay), 2);
  assert.equal(valuePer100({ tp: 8, fp: 20, fn: 2, tn: 70 }, pay), ((800 - 200 - 200) / 100) * 100);
});

test("nearestIndex snaps to the grid", () => {
  const curve = readCurve(curveState({ thresholds: [0.1, 0.2, 0.4], tp: [1, 1, 1], fp: [1, 1, 1], totalPos: 1, totalNeg: 1 }));
  assert.equal(nearestIndex(curve, 0.0), 0);
  assert.equal(nearestIndex(curve, 0.29), 1);
  assert.equal(nearestIndex(curve, 0.31), 2);
  assert.equal(nearestIndex(curve, 9), 2);
});

test("breakEven matches the formula and refuses impossible payoffs", () => {
  assert.equal(breakEven({ tp: 0, fp: -300, fn: -5000, tn: 300 }), 600 / 5600);
  assert.equal(breakEven({ tp: -1, fp: -1, fn: 0, tn: 0 }), null);
});

test("formatting: halves away from zero, true minus, very high and very low chances", async () => {
  const { money, inHundred, roundSig } = await import("../src/shared/format.js");
  assert.equal(roundSig(1845), 1850);
  assert.equal(roundSig(-1845), -1850);
  assert.equal(money(1845), "$1,850");
  assert.equal(money(-1845), "\u2212$1,850");
  assert.equal(inHundred(0.125), "13 in 100");
  assert.equal(inHundred(0.996), "more than 99 in 100");
  assert.equal(inHundred(0.004), "4 in 1,000");
  assert.equal(inHundred(0.004, "de-DE"), "4 in 1.000");
  assert.equal(money(1845, "EUR", "xx_YY"), "€1,850");
});
