// Analogy templates filled in the browser. Mirrors explainwidgets/core/analogies.py
// (template_slots, fill, per_base, compute_slots, auc_from_curve, slots_from_curve)
// operation for operation, so Python and the browser give identical text for the same
// numbers. Template syntax: {slot}; {{ and }} are literal braces; nothing else.
import { countsAt, nearestIndex, per100 } from "./curve.js";

export const SLOT_NAMES = [
  "noun", "positive", "base", "flagged", "tp", "fp", "fn", "tn", "positives", "others",
  "catch_in_100", "miss_in_100", "right_in_100", "wrong_in_100", "alarm_in_100",
  "said_in_100", "observed_in_100", "rank_in_100", "lift",
];
const KNOWN = new Set(SLOT_NAMES);

export const BAND = 0.05;
export const MIN_BAND_CASES = 10;
export const RARE_SHARE = 0.1;

function tokens() {
  return /\{\{|\}\}|\{([^{}]*)\}|[{}]/g;
}

/** Slot names a template uses; throws on a malformed template (as template_slots). */
export function templateSlots(template) {
  const names = [];
  for (const m of String(template).matchAll(tokens())) {
    if (m[0] === "{{" || m[0] === "}}") continue;
    if (m[1] === undefined) throw new Error(`a lone '${m[0]}' at character ${m.index + 1}`);
    if (!KNOWN.has(m[1])) throw new Error(`unknown slot {${m[1]}}`);
    names.push(m[1]);
  }
  return names;
}

/** Replace every {slot}; null when a slot it uses has no value (as fill). */
export function fill(template, slots) {
  const t = String(template);
  let out = "";
  let pos = 0;
  for (const m of t.matchAll(tokens())) {
    out += t.slice(pos, m.index);
    pos = m.index + m[0].length;
    if (m[0] === "{{") out += "{";
    else if (m[0] === "}}") out += "}";
    else {
      const name = m[1];
      if (name === undefined || !KNOWN.has(name)) throw new Error(`malformed template near '${m[0]}'`);
      const v = slots ? slots[name] : undefined;
      if (v === null || v === undefined) return null;
      out += String(v);
    }
  }
  return out + t.slice(pos);
}

/** Slots a template needs that have no value here. */
export function missingSlots(template, slots) {
  return templateSlots(template).filter((n) => slots == null || slots[n] === null || slots[n] === undefined);
}

const round = (x) => Math.floor(x + 0.5);

/** 1234 -> "1,234" (same as Python's f"{n:,}"). */
export function fmt(n) {
  const s = String(Math.trunc(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Whole numbers out of base (100 or 1,000), largest remainder (as per_base). */
export function perBase(counts, base) {
  if (base === 100) return per100(counts);
  const keys = ["tp", "fp", "fn", "tn"];
  let total = 0;
  for (const k of keys) total += counts[k];
  if (!(total > 0)) throw new Error("perBase needs a positive total");
  const exact = keys.map((k) => (counts[k] / total) * base);
  const whole = exact.map((e) => Math.floor(e));
  const missing = base - whole.reduce((a, b) => a + b, 0);
  const order = [0, 1, 2, 3].sort((i, j) => exact[j] - whole[j] - (exact[i] - whole[i]) || i - j);
  for (const i of order.slice(0, missing)) whole[i] += 1;
  return Object.fromEntries(keys.map((k, i) => [k, whole[i]]));
}

function liftText(lift) {
  if (lift >= 3) return fmt(round(lift));
  const tenths = round(lift * 10);
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/** Every slot's text for exact counts (as compute_slots). Unavailable slots are null. */
export function computeSlots(counts, opts = {}) {
  const { noun = "cases", positive = "real cases", threshold = null, isProbability = false, band = null, auc = null } = opts;
  const tp = Number(counts.tp);
  const fp = Number(counts.fp);
  const fn = Number(counts.fn);
  const tn = Number(counts.tn);
  const total = tp + fp + fn + tn;
  if (!(total > 0)) throw new Error("the counts are all zero");
  const pos = tp + fn;
  const neg = fp + tn;
  const flagged = tp + fp;
  const base = pos / total < RARE_SHARE ? 1000 : 100;
  const whole = perBase({ tp, fp, fn, tn }, base);
  const s = Object.fromEntries(SLOT_NAMES.map((n) => [n, null]));
  s.noun = noun;
  s.positive = positive;
  s.base = fmt(base);
  for (const k of ["tp", "fp", "fn", "tn"]) s[k] = fmt(whole[k]);
  s.flagged = fmt(whole.tp + whole.fp);
  s.positives = fmt(whole.tp + whole.fn);
  s.others = fmt(whole.fp + whole.tn);
  if (pos > 0) {
    const c = round((tp / pos) * 100);
    s.catch_in_100 = fmt(c);
    s.miss_in_100 = fmt(100 - c);
  }
  if (flagged > 0) {
    const r = round((tp / flagged) * 100);
    s.right_in_100 = fmt(r);
    s.wrong_in_100 = fmt(100 - r);
    if (pos > 0) s.lift = liftText(tp / flagged / (pos / total));
  }
  if (neg > 0) s.alarm_in_100 = fmt(round((fp / neg) * 100));
  if (isProbability && threshold !== null && threshold >= 0 && threshold <= 1) {
    s.said_in_100 = fmt(round(threshold * 100));
    if (band) {
      const [bp, bn, cases] = band;
      if (cases >= MIN_BAND_CASES && bp + bn > 0) s.observed_in_100 = fmt(round((bp / (bp + bn)) * 100));
    }
  }
  if (auc !== null && Number.isFinite(auc)) s.rank_in_100 = fmt(round(auc * 100));
  return s;
}

/** Trapezoid area under the catch-rate / false-alarm curve (as auc_from_curve). */
export function aucFromCurve(curve) {
  const P = curve.totalPos;
  const N = curve.totalNeg;
  if (!(P > 0 && N > 0)) return null;
  let px = 1;
  let py = 1;
  let area = 0;
  for (let i = 0; i < curve.thresholds.length; i++) {
    const x = curve.fp[i] / N;
    const y = curve.tp[i] / P;
    area += ((px - x) * (py + y)) / 2;
    px = x;
    py = y;
  }
  area += (px * py) / 2;
  return area;
}

/** Slots at the curve point nearest `threshold` (curve from curve.js readCurve). */
export function slotsFromCurve(curve, threshold, opts = {}) {
  const { noun = "cases", positive = "real cases", isProbability = false } = opts;
  const th = curve.thresholds;
  if (!th || th.length === 0) return null;
  const i = nearestIndex(curve, Number(threshold));
  const counts = countsAt(curve, i);
  let band = null;
  if (isProbability) {
    const lo = nearestIndex(curve, th[i] - BAND);
    const hi = nearestIndex(curve, th[i] + BAND);
    const tpc = curve.weighted ? curve.tpCases : curve.tp;
    const fpc = curve.weighted ? curve.fpCases : curve.fp;
    const cases = tpc[lo] - tpc[hi] + (fpc[lo] - fpc[hi]);
    band = [curve.tp[lo] - curve.tp[hi], curve.fp[lo] - curve.fp[hi], Math.trunc(cases)];
  }
  return computeSlots(counts, { noun, positive, threshold: th[i], isProbability, band, auc: aucFromCurve(curve) });
}
