// Analogy templates filled in the browser. Mirrors explainwidgets/core/analogies.py
// (template_slots, fill, per_base, compute_slots, auc_from_curve, slots_from_curve,
// condition_holds) operation for operation, so Python and the browser give identical text
// for the same numbers. Template syntax: {slot}; {slot|one|many} picks `one` when that
// number slot is exactly 1; {{ and }} are literal braces; nothing else.
import { countsAt, minus, nearestIndex, perBase } from "./curve.js";

export { perBase };

export const SLOT_NAMES = [
  "noun", "positive", "base", "flagged", "tp", "fp", "fn", "tn", "positives", "others",
  "catch_in_100", "miss_in_100", "right_in_100", "wrong_in_100", "alarm_in_100",
  "said_in_100", "observed_in_100", "rank_in_100", "lift", "share_in_100", "band_cases",
  "band_hits", "verdict",
];
const KNOWN = new Set(SLOT_NAMES);
const TEXT_SLOTS = new Set(["noun", "positive", "verdict"]);

export const BAND = 0.05;
export const MIN_BAND_CASES = 30;
export const MIN_CASES = 20;
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
    const parts = m[1].split("|");
    if (parts.length !== 1 && parts.length !== 3) throw new Error(`write {slot|one|many}, not {${m[1]}}`);
    if (!KNOWN.has(parts[0])) throw new Error(`unknown slot {${parts[0]}}`);
    if (parts.length === 3 && TEXT_SLOTS.has(parts[0])) throw new Error(`only a number slot can choose between one and many`);
    names.push(parts[0]);
  }
  return names;
}

/** Replace every {slot} and {slot|one|many}; null when a slot it uses has no value (as fill). */
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
      const parts = m[1] === undefined ? [] : m[1].split("|");
      const name = parts.length ? parts[0] : "";
      if (!KNOWN.has(name) || (parts.length !== 1 && parts.length !== 3)) throw new Error(`malformed template near '${m[0]}'`);
      const v = slots ? slots[name] : undefined;
      if (v === null || v === undefined) return null;
      if (parts.length === 3) out += String(v) === "1" ? parts[1] : parts[2];
      else out += String(v);
    }
  }
  return out + t.slice(pos);
}

const CLAUSE = /^\s*([a-z_][a-z_0-9]*)\s*(<=|>=|==|!=|<|>)\s*([a-z_][a-z_0-9]*|-?[0-9]+(?:\.[0-9]+)?)\s*$/;
const isLiteral = (side) => /^[-0-9]/.test(side);

function slotNumber(v) {
  if (v === null || v === undefined) return null;
  const s = String(v).replace(/,/g, "");
  // as Python's float(): only a plain decimal number reads as a number
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(s)) return null;
  return Number(s);
}

/** Whether an analogy's `when` holds for these slots (as condition_holds); false if unreadable. */
export function conditionHolds(when, slots) {
  const clauses = String(when).trim().split(/\s+and\s+/);
  for (const clause of clauses) {
    const m = CLAUSE.exec(clause);
    if (!m) return false;
    const [, left, op, right] = m;
    const a = slotNumber(slots ? slots[left] : null);
    const b = isLiteral(right) ? Number(right) : slotNumber(slots ? slots[right] : null);
    if (a === null || b === null) return false;
    const ok = { "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a === b, "!=": a !== b }[op];
    if (!ok) return false;
  }
  return true;
}

/** Slot names a condition reads. */
export function conditionSlots(when) {
  const names = [];
  for (const clause of String(when).trim().split(/\s+and\s+/)) {
    const m = CLAUSE.exec(clause);
    if (!m) continue;
    for (const side of [m[1], m[3]]) if (!isLiteral(side)) names.push(side);
  }
  return names;
}

/** An analogy's text with numbers in, or null when it does not fit (as Analogy.fill). */
export function fillAnalogy(analogy, slots) {
  if (!analogy) return null;
  if (analogy.when && !conditionHolds(analogy.when, slots)) return null;
  return fill(analogy.text, slots);
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

function liftText(lift) {
  if (lift >= 3) return fmt(round(lift));
  const tenths = round(lift * 10);
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

function verdict(said, observed, p, cases) {
  const slack = 100 * 2 * Math.sqrt(Math.max(p * (1 - p), 0.01) / Math.max(cases, 1)) + 2;
  const gap = observed - said;
  if (Math.abs(gap) <= slack) return "about right";
  return gap < 0 ? "too high" : "too low";
}

/** Every slot's text for exact counts (as compute_slots). Unavailable slots are null. */
export function computeSlots(counts, opts = {}) {
  const {
    noun = "cases", positive = "real cases", threshold = null, isProbability = false, band = null, auc = null,
    cases = null,
  } = opts;
  const tp = Number(counts.tp);
  const fp = Number(counts.fp);
  const fn = Number(counts.fn);
  const tn = Number(counts.tn);
  const total = tp + fp + fn + tn;
  if (!(total > 0)) throw new Error("the counts are all zero");
  const src = cases || counts;
  const cTp = Number(src.tp);
  const cFp = Number(src.fp);
  const cFn = Number(src.fn);
  const cTn = Number(src.tn);
  const nPos = cTp + cFn;
  const nNeg = cFp + cTn;
  const nFlag = cTp + cFp;
  const nAll = nPos + nNeg;
  const pos = tp + fn;
  const neg = fp + tn;
  const flagged = tp + fp;
  const base = pos / total < RARE_SHARE && nAll >= 1000 ? 1000 : 100;
  const whole = perBase({ tp, fp, fn, tn }, base);
  const s = Object.fromEntries(SLOT_NAMES.map((n) => [n, null]));
  s.noun = noun;
  s.positive = positive;
  s.base = fmt(base);
  for (const k of ["fn", "tn"]) s[k] = fmt(whole[k]);
  s.flagged = fmt(whole.tp + whole.fp);
  if (nFlag >= MIN_CASES && whole.tp + whole.fp > 0) {
    s.tp = fmt(whole.tp);
    s.fp = fmt(whole.fp);
  }
  s.positives = fmt(whole.tp + whole.fn);
  s.others = fmt(whole.fp + whole.tn);
  s.share_in_100 = fmt(round((pos / total) * 100));
  if (pos > 0 && nPos >= MIN_CASES) {
    const c = round((tp / pos) * 100);
    s.catch_in_100 = fmt(c);
    s.miss_in_100 = fmt(100 - c);
  }
  if (flagged > 0 && nFlag >= MIN_CASES) {
    const r = round((tp / flagged) * 100);
    s.right_in_100 = fmt(r);
    s.wrong_in_100 = fmt(100 - r);
    if (pos > 0) s.lift = liftText(tp / flagged / (pos / total));
  }
  if (neg > 0 && nNeg >= MIN_CASES) s.alarm_in_100 = fmt(round((fp / neg) * 100));
  if (isProbability && threshold !== null && threshold >= 0 && threshold <= 1) {
    const said = round(threshold * 100);
    s.said_in_100 = fmt(said);
    if (band) {
      const bp = Number(band[0]);
      const bn = Number(band[1]);
      const nBand = Math.trunc(band[2]);
      if (nBand >= MIN_BAND_CASES && bp + bn > 0) {
        const p = bp / (bp + bn);
        const observed = round(p * 100);
        s.observed_in_100 = fmt(observed);
        s.band_cases = fmt(nBand);
        if (band.length > 3) s.band_hits = fmt(Math.trunc(band[3]));
        s.verdict = verdict(said, observed, p, nBand);
      }
    }
  }
  if (auc !== null && auc !== undefined && Number.isFinite(auc) && nPos >= MIN_CASES && nNeg >= MIN_CASES) {
    s.rank_in_100 = fmt(round(auc * 100));
  }
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
  // case counts: the weighted curve's own, else the counts themselves (as read_curve)
  const w = curve.weighted;
  const tpc = w && curve.tpCases && curve.tpCases.length === curve.tp.length ? curve.tpCases : curve.tp;
  const fpc = w && curve.fpCases && curve.fpCases.length === curve.fp.length ? curve.fpCases : curve.fp;
  const nPos = w && curve.nPos > 0 ? curve.nPos : curve.totalPos;
  const nNeg = w && curve.nNeg > 0 ? curve.nNeg : curve.totalNeg;
  const cases = { tp: tpc[i], fp: fpc[i], fn: minus(nPos, tpc[i]), tn: minus(nNeg, fpc[i]) };
  let band = null;
  if (isProbability) {
    const lo = nearestIndex(curve, th[i] - BAND);
    const hi = nearestIndex(curve, th[i] + BAND);
    const nBand = tpc[lo] - tpc[hi] + (fpc[lo] - fpc[hi]);
    band = [curve.tp[lo] - curve.tp[hi], curve.fp[lo] - curve.fp[hi], Math.trunc(nBand), Math.trunc(tpc[lo] - tpc[hi])];
  }
  return computeSlots(counts, { noun, positive, threshold: th[i], isProbability, band, auc: aucFromCurve(curve), cases });
}
