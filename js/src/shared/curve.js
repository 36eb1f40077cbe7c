// The browser half of "Python computes a compact exact summary once; the browser
// recomputes everything a person can change". Mirrors explainwidgets/core/curve.py
// and core/frequencies.py operation for operation, so both agree to the unit.
import { toFloat64 } from "./dom.js";

export const OUTCOMES = ["tp", "fp", "fn", "tn"];

/** Decode the synced `curve` trait into typed arrays. */
export function readCurve(raw) {
  const c = raw || {};
  return {
    thresholds: toFloat64(c.thresholds),
    tp: toFloat64(c.tp),
    fp: toFloat64(c.fp),
    tpCases: toFloat64(c.tp_cases),
    fpCases: toFloat64(c.fp_cases),
    totalPos: Number(c.total_pos || 0),
    totalNeg: Number(c.total_neg || 0),
    nPos: Number(c.n_pos || 0),
    nNeg: Number(c.n_neg || 0),
    weighted: Boolean(c.weighted),
  };
}

/** total − part, but exactly 0 when the part is the whole (guards float dust). */
export function minus(total, part) {
  const d = total - part;
  return Math.abs(d) <= 1e-12 * Math.max(Math.abs(total), 1) ? 0 : d;
}

/** Index of the threshold nearest to t (ties: the lower one). */
export function nearestIndex(curve, t) {
  const a = curve.thresholds;
  if (a.length === 0) return -1;
  let lo = 0;
  let hi = a.length - 1;
  if (t <= a[0]) return 0;
  if (t >= a[hi]) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= t) lo = mid;
    else hi = mid;
  }
  return t - a[lo] <= a[hi] - t ? lo : hi;
}

/** Exact (weighted) counts at grid point i. */
export function countsAt(curve, i) {
  const tp = curve.tp[i];
  const fp = curve.fp[i];
  return { tp, fp, fn: minus(curve.totalPos, tp), tn: minus(curve.totalNeg, fp) };
}

/** Unweighted number of cases in each cell at grid point i. */
export function casesAt(curve, i) {
  const tp = curve.weighted ? curve.tpCases[i] : curve.tp[i];
  const fp = curve.weighted ? curve.fpCases[i] : curve.fp[i];
  return { tp, fp, fn: curve.nPos - tp, tn: curve.nNeg - fp };
}

/** Whole numbers per 100 that sum to 100 (same as core.frequencies.per_100). */
export function per100(counts) {
  return perBase(counts, 100);
}

/** Largest-remainder rounding to whole numbers out of `base` (core.frequencies.per_base). */
export function perBase(counts, base) {
  let total = 0;
  for (const k of OUTCOMES) total += counts[k];
  if (!(total > 0)) throw new Error(`per${base} needs a positive total`);
  const exact = OUTCOMES.map((k) => (counts[k] / total) * base);
  const whole = exact.map((e) => Math.floor(e));
  const missing = base - whole.reduce((a, b) => a + b, 0);
  const order = [0, 1, 2, 3].sort((i, j) => exact[j] - whole[j] - (exact[i] - whole[i]) || i - j);
  for (const i of order.slice(0, missing)) whole[i] += 1;
  return Object.fromEntries(OUTCOMES.map((k, i) => [k, whole[i]]));
}

/** Money per 100 cases from the exact shares (same as core.frequencies.value_per_100). */
export function valuePer100(counts, payoff) {
  let total = 0;
  for (const k of OUTCOMES) total += counts[k];
  let m = 0;
  for (const k of OUTCOMES) m += Number(payoff[k] || 0) * counts[k];
  return (m / total) * 100;
}

/** Grid index with the highest value per 100; ties go to the highest threshold (as Python). */
export function bestIndex(curve, payoff) {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < curve.thresholds.length; i++) {
    const v = valuePer100(countsAt(curve, i), payoff);
    if (v >= bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** Break-even probability (same as core.payoff.break_even_probability), or null. */
export function breakEven(payoff) {
  const gainPos = payoff.tp - payoff.fn;
  const gainNeg = payoff.tn - payoff.fp;
  const denom = gainPos + gainNeg;
  if (denom <= 0 || gainPos < 0 || gainNeg < 0) return null;
  return gainNeg / denom;
}
