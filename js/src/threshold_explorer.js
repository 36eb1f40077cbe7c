// ThresholdExplorer front end. Everything a person can change (threshold, money per
// outcome, presets) is recomputed here from the synced exact curve: no kernel round trip.
import { h, svg, setChildren, setText, setAttr, isolateKeys, listen } from "./shared/dom.js";
import { money, count, inHundred, threshold as fmtThreshold } from "./shared/format.js";
import {
  OUTCOMES,
  readCurve,
  nearestIndex,
  countsAt,
  casesAt,
  per100,
  valuePer100,
  bestIndex,
  breakEven,
} from "./shared/curve.js";

// Okabe–Ito colours, each with its own shape: readable without colour vision.
export const STYLE = {
  tp: { color: "#0072B2", shape: "circle" },
  fp: { color: "#E69F00", shape: "triangle" },
  fn: { color: "#D55E00", shape: "cross" },
  tn: { color: "#8C96A0", shape: "square" },
};

const ICON = 22; // px per icon cell in the 10×10 array

/** SVG path for an icon of `shape` centred in a cell at (x, y). */
export function iconPath(shape, x, y, r = 7.5) {
  const cx = x + ICON / 2;
  const cy = y + ICON / 2;
  switch (shape) {
    case "circle":
      return `M${cx - r},${cy}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
    case "triangle":
      return `M${cx},${cy - r}L${cx + r},${cy + r * 0.8}L${cx - r},${cy + r * 0.8}Z`;
    case "cross": {
      const a = r * 0.95;
      const b = r * 0.32;
      return (
        `M${cx - a},${cy - a + b}L${cx - a + b},${cy - a}L${cx},${cy - b}L${cx + a - b},${cy - a}` +
        `L${cx + a},${cy - a + b}L${cx + b},${cy}L${cx + a},${cy + a - b}L${cx + a - b},${cy + a}` +
        `L${cx},${cy + b}L${cx - a + b},${cy + a}L${cx - a},${cy + a - b}L${cx - b},${cy}Z`
      );
    }
    default:
      return `M${cx - r * 0.85},${cy - r * 0.85}h${1.7 * r}v${1.7 * r}h${-1.7 * r}Z`;
  }
}

function labelFor(labels, key, n) {
  const pair = labels[key];
  if (Array.isArray(pair)) return n === 1 ? pair[0] : pair[1];
  return String(pair ?? key);
}

function nfWeighted(x, locale) {
  try {
    return new Intl.NumberFormat(locale || "en-US", { maximumSignificantDigits: 6 }).format(x === 0 ? 0 : x);
  } catch {
    return String(x);
  }
}

function capitalise(s) {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** "Of every 100 applicants: 4 defaults we avoid, …" — same as core.labels.frequency_sentence. */
export function sentence(p100, labels, noun) {
  const parts = OUTCOMES.map((k) => `${p100[k]} ${labelFor(labels, k, p100[k])}`);
  return `Of every 100 ${noun}: ${parts[0]}, ${parts[1]}, ${parts[2]} and ${parts[3]}.`;
}

/** Everything shown at grid index i, computed from the model's state. */
export function figuresAt(state, i) {
  const { curve, payoff } = state;
  const counts = countsAt(curve, i);
  const p100 = per100(counts);
  const value = payoff ? valuePer100(counts, payoff) : null;
  return { i, t: curve.thresholds[i], counts, cases: casesAt(curve, i), p100, value };
}

const decoded = new WeakMap(); // raw synced curve -> decoded typed arrays (decode once)

function readState(model) {
  const raw = model.get("curve") || {};
  let curve = decoded.get(raw);
  if (!curve) {
    curve = readCurve(raw);
    decoded.set(raw, curve);
  }
  const t = model.get("threshold");
  return {
    curve,
    t,
    i: nearestIndex(curve, t),
    payoff: model.get("payoff") || null,
    currency: model.get("currency") || "USD",
    locale: model.get("locale") || "en-US",
    noun: model.get("noun") || "cases",
    labels: model.get("labels") || {},
    population: model.get("population"),
    presets: model.get("presets") || [],
    marks: model.get("marked_cases") || [],
    isProbability: Boolean(model.get("is_probability")),
    title: model.get("title") || "",
    minCases: Number(model.get("min_cases") ?? 30),
  };
}

/** How the cut-off reads to a person: "15 in 100" for probabilities, else the score. */
function cutoffText(state, t) {
  return state.isProbability ? inHundred(t, state.locale) : fmtThreshold(t, state.locale);
}

function ruleText(state, t) {
  const score = state.labels.score || "score";
  const verb = capitalise(state.labels.flag || "flag");
  return `${verb} when ${score} is at least ${cutoffText(state, t)}`;
}

function render({ model, el }) {
  const root = h("div", { class: "ew-threshold-explorer", role: "group" });
  const cleanups = [isolateKeys(root)];
  el.replaceChildren(root);

  // Static skeleton; every update only changes text and attributes.
  const title = h("div", { class: "ew-title" });
  const moneyMain = h("span", { class: "ew-money-main", "data-testid": "value-per-100" });
  const moneyUnit = h("span", { class: "ew-money-unit" });
  const moneyPop = h("span", { class: "ew-money-pop", "data-testid": "value-population" });
  const headline = h(
    "div",
    { class: "ew-headline", "data-testid": "headline", "aria-live": "polite" },
    moneyMain,
    moneyUnit,
    moneyPop,
  );
  const sentenceEl = h("p", { class: "ew-sentence", "data-testid": "sentence" });
  const ruleEl = h("span", { class: "ew-rule", "data-testid": "threshold-value" });
  const slider = h("input", {
    type: "range",
    class: "ew-slider",
    min: "0",
    step: "1",
    "data-testid": "threshold-slider",
  });
  const presetBar = h("div", { class: "ew-presets", role: "group", "aria-label": "Preset cut-offs" });
  const icons = svg("svg", {
    class: "ew-icons",
    viewBox: `0 0 ${ICON * 10} ${ICON * 10}`,
    role: "img",
    "data-testid": "icon-array",
  });
  const iconPaths = [];
  for (let k = 0; k < 100; k++) {
    const p = svg("path", {});
    iconPaths.push(p);
    icons.append(p);
  }
  const grid = h("div", { class: "ew-grid", "data-testid": "outcome-grid" });
  const chart = h("div", { class: "ew-chart" });
  const marksEl = h("ul", { class: "ew-marks", "data-testid": "marked-cases" });
  const warning = h("p", { class: "ew-warning", role: "status", "data-testid": "warning" });
  const detailsBody = h("dl", { class: "ew-details-body" });
  const details = h("details", { class: "ew-details" }, h("summary", { text: "Technical detail" }), detailsBody);

  root.append(
    title,
    headline,
    sentenceEl,
    h("div", { class: "ew-controls" }, h("label", { class: "ew-slider-label" }, ruleEl, slider), presetBar),
    h("div", { class: "ew-body" }, h("div", { class: "ew-icons-wrap" }, icons), grid),
    chart,
    marksEl,
    warning,
    details,
  );

  let state = readState(model);
  let lastIcons = "";
  let lastMarks = "";
  details.addEventListener("toggle", () => {
    if (details.open && state.i >= 0) renderDetails(figuresAt(state, state.i));
  });

  function setIndex(i) {
    const t = state.curve.thresholds[i];
    if (t === undefined || t === model.get("threshold")) return;
    model.set("threshold", t);
    model.save_changes();
  }

  slider.addEventListener("input", () => setIndex(Number(slider.value)));

  function setPayoff(key, value) {
    const payoff = { ...(state.payoff || { tp: 0, fp: 0, fn: 0, tn: 0 }) };
    payoff[key] = value;
    model.set("payoff", payoff);
    model.save_changes();
  }

  function buildGrid() {
    const rows = [
      [state.labels.flagged || "Flagged", ["tp", "fp"]],
      [state.labels.not_flagged || "Not flagged", ["fn", "tn"]],
    ];
    const cells = {};
    const children = [];
    for (const [rowTitle, keys] of rows) {
      children.push(h("div", { class: "ew-row-title", text: rowTitle }));
      for (const k of keys) {
        const number = h("span", { class: "ew-cell-number", "data-testid": `per100-${k}` });
        const label = h("span", { class: "ew-cell-label" });
        const marker = svg(
          "svg",
          { class: "ew-cell-icon", viewBox: `0 0 ${ICON} ${ICON}`, "aria-hidden": "true" },
          svg("path", { d: iconPath(STYLE[k].shape, 0, 0), fill: STYLE[k].color }),
        );
        const moneyOut = h("span", { class: "ew-cell-money", "data-testid": `money-${k}` });
        let input = null;
        if (state.payoff) {
          input = h("input", {
            type: "number",
            step: "any",
            class: "ew-payoff-input",
            "data-testid": `payoff-${k}`,
            value: String(state.payoff[k] ?? 0),
          });
          input.addEventListener("change", () => {
            const v = Number(input.value);
            if (input.value.trim() !== "" && Number.isFinite(v)) setPayoff(k, v);
            else input.value = String(state.payoff[k] ?? 0);
          });
        }
        const moneyRow = input
          ? h("label", { class: "ew-cell-payoff" }, h("span", { text: `Worth each (${state.currency}): ` }), input, moneyOut)
          : null;
        cells[k] = { number, label, moneyOut, input };
        children.push(
          h("div", { class: `ew-cell ew-cell-${k}` }, h("div", { class: "ew-cell-head" }, marker, number), label, moneyRow),
        );
      }
    }
    setChildren(grid, children);
    return cells;
  }

  let cells = buildGrid();

  function buildPresets() {
    const buttons = [];
    for (const p of state.presets) {
      if (p.id === "best_value" && !state.payoff) continue;
      const b = h("button", { type: "button", class: "ew-preset", "data-testid": `preset-${p.id}`, title: p.help, text: p.label });
      b.addEventListener("click", () => {
        const i = p.id === "best_value" ? bestIndex(state.curve, state.payoff) : nearestIndex(state.curve, p.threshold);
        setIndex(i);
      });
      buttons.push(b);
    }
    setChildren(presetBar, buttons);
  }
  buildPresets();

  // The chart's x axis is the slider's: one step per grid point, so the "now" line sits
  // exactly above the thumb. It is rebuilt only when the curve or the money change; a
  // slider move just moves the line.
  let chartParts = null;

  function buildChart(best) {
    if (!state.payoff) {
      chartParts = null;
      setChildren(chart);
      return;
    }
    const W = 460;
    const H = 130;
    const pad = { l: 64, r: 8, t: 10, b: 18 };
    const { thresholds } = state.curve;
    const n = thresholds.length;
    const verb = state.labels.flag || "flag";
    const shortVerb = verb.length <= 14 ? verb : "flag";
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = valuePer100(countsAt(state.curve, i), state.payoff);
    let lo = 0;
    let hi = 0;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const x = (i) => pad.l + (i / Math.max(n - 1, 1)) * (W - pad.l - pad.r);
    const y = (v) => pad.t + (1 - (v - lo) / (hi - lo || 1)) * (H - pad.t - pad.b);
    let d = "";
    for (let i = 0; i < n; i++) d += `${i ? "L" : "M"}${x(i).toFixed(1)},${y(values[i]).toFixed(1)}`;
    const fmt = (v) => money(v, state.currency, state.locale);
    const now = svg("line", { y1: pad.t, y2: H - pad.b, class: "ew-now" });
    const plot = svg(
      "svg",
      { viewBox: `0 0 ${W} ${H}`, class: "ew-chart-svg", role: "img", "aria-label": `Money per 100 ${state.noun} at each cut-off` },
      svg("line", { x1: pad.l, x2: W - pad.r, y1: y(0), y2: y(0), class: "ew-zero" }),
      svg("text", { x: pad.l - 4, y: y(hi) + 4, class: "ew-axis", "text-anchor": "end", text: fmt(hi) }),
      hi !== 0 && lo !== 0 ? svg("text", { x: pad.l - 4, y: y(0) + 4, class: "ew-axis", "text-anchor": "end", text: fmt(0) }) : null,
      svg("text", { x: pad.l - 4, y: y(lo) + 4, class: "ew-axis", "text-anchor": "end", text: fmt(lo) }),
      svg("path", { d, class: "ew-value-line" }),
      now,
      svg("circle", { cx: x(best), cy: y(values[best]), r: 5, class: "ew-best-dot" }),
      svg("text", { x: pad.l, y: H - 4, class: "ew-axis", text: `← low cut-off: ${shortVerb} more` }),
      svg("text", { x: W - pad.r, y: H - 4, class: "ew-axis", "text-anchor": "end", text: `high cut-off: ${shortVerb} fewer →` }),
    );
    const be = state.isProbability ? breakEven(state.payoff) : null;
    const bestMoney = values[best] >= 0 ? `earns ${fmt(values[best])}` : `loses the least, ${fmt(-values[best])}`;
    // The cut-off can only go up to the highest score, so "act on nobody" is not on the
    // slider: say so when it would beat every cut-off.
    const nobody = valuePer100({ tp: 0, fp: 0, fn: state.curve.totalPos, tn: state.curve.totalNeg }, state.payoff);
    const nobodyText =
      nobody > values[best]
        ? ` Not to ${verb} anyone would do better still: ${nobody >= 0 ? "earning" : "losing"} ${fmt(Math.abs(nobody))} per 100.`
        : "";
    const bestText = `Best cut-off: ${verb} at ${cutoffText(state, thresholds[best])} or more; it ${bestMoney} per 100 ${state.noun}.${nobodyText}`;
    const beText =
      be === null
        ? null
        : `Break-even: acting on a case pays when its ${state.labels.score || "score"} is above about ${inHundred(be, state.locale)}.`;
    setChildren(
      chart,
      h(
        "div",
        { class: "ew-chart-title" },
        `Money per 100 ${state.noun} at each cut-off (`,
        h("span", { class: "ew-key-best", text: "●" }),
        " best, ",
        h("span", { class: "ew-key-now", text: "│" }),
        " now)",
      ),
      plot,
      h("p", { class: "ew-best", "data-testid": "best", text: bestText }),
      beText ? h("p", { class: "ew-break-even", "data-testid": "break-even", text: beText }) : null,
    );
    chartParts = { curve: state.curve, payoff: state.payoff, now, x };
  }

  function drawChart(f) {
    if (!state.payoff) {
      if (chartParts) buildChart(-1);
      return;
    }
    if (!chartParts || chartParts.curve !== state.curve || chartParts.payoff !== state.payoff) {
      buildChart(bestIndex(state.curve, state.payoff));
    }
    const xi = chartParts.x(f.i).toFixed(1);
    chartParts.now.setAttribute("x1", xi);
    chartParts.now.setAttribute("x2", xi);
  }

  function update() {
    const i = state.i;
    if (i < 0) return;
    const f = figuresAt(state, i);
    // Only what changed is written (setText / setAttr): a slider step re-lays out little.
    setAttr(root, "data-threshold", String(f.t));
    setText(title, state.title);
    title.hidden = !state.title;
    slider.max = String(state.curve.thresholds.length - 1);
    slider.value = String(i);
    const rule = ruleText(state, f.t);
    setAttr(slider, "aria-label", `Cut-off: ${rule}`);
    setAttr(slider, "aria-valuetext", rule);
    setText(ruleEl, rule);

    // Business implication first: the money, then the people.
    headline.hidden = f.value === null;
    if (f.value !== null) {
      const verb = f.value >= 0 ? "Earns" : "Costs";
      setText(moneyMain, `${verb} ${money(Math.abs(f.value), state.currency, state.locale)}`);
      setText(moneyUnit, ` per 100 ${state.noun}`);
      moneyPop.hidden = !state.population;
      if (state.population) {
        const total = (f.value * state.population) / 100;
        setText(
          moneyPop,
          ` · about ${money(Math.abs(total), state.currency, state.locale)} ${total >= 0 ? "earned" : "lost"} for ${count(state.population, state.locale)} ${state.noun}`,
        );
      }
    }
    const text = sentence(f.p100, state.labels, state.noun);
    setText(sentenceEl, text);
    setAttr(icons, "aria-label", text);

    for (const k of OUTCOMES) {
      const c = cells[k];
      setText(c.number, String(f.p100[k]));
      setText(c.label, labelFor(state.labels, k, f.p100[k]));
      if (state.payoff) {
        const per = (Number(state.payoff[k] || 0) * f.counts[k]) / (f.counts.tp + f.counts.fp + f.counts.fn + f.counts.tn) * 100;
        setText(c.moneyOut, ` → ${money(per, state.currency, state.locale)} per 100`);
        if (c.input && document.activeElement !== c.input) c.input.value = String(state.payoff[k] ?? 0);
      }
    }

    const key = OUTCOMES.map((k) => f.p100[k]).join(",");
    if (key !== lastIcons) {
      lastIcons = key;
      let n = 0;
      for (const k of OUTCOMES) {
        for (let j = 0; j < f.p100[k]; j++, n++) {
          const x = (n % 10) * ICON;
          const y = Math.floor(n / 10) * ICON;
          const p = iconPaths[n];
          p.setAttribute("d", iconPath(STYLE[k].shape, x, y));
          p.setAttribute("fill", STYLE[k].color);
          p.setAttribute("data-outcome", k);
        }
      }
    }

    drawChart(f);

    const marksKey = JSON.stringify([state.marks, state.labels, state.isProbability, state.locale, state.marks.map((m) => m.score >= f.t)]);
    if (marksKey !== lastMarks) {
      lastMarks = marksKey;
      renderMarks(f);
    }
    updateWarning(f);
    if (details.open) renderDetails(f);
  }

  function renderMarks(f) {
    const markItems = state.marks.map((m) => {
      const flagged = m.score >= f.t;
      const decision = flagged ? (state.labels.flagged || "Flagged").toLowerCase() : (state.labels.not_flagged || "Not flagged").toLowerCase();
      const scoreText = state.isProbability ? `${state.labels.score || "score"} ${inHundred(m.score, state.locale)}` : `score ${fmtThreshold(m.score, state.locale)}`;
      return h(
        "li",
        { class: flagged ? "ew-mark ew-mark-flagged" : "ew-mark" },
        h("strong", { text: String(m.label) }),
        ` (${scoreText}): ${decision} at this cut-off.`,
      );
    });
    setChildren(marksEl, markItems);
    marksEl.hidden = markItems.length === 0;
  }

  function updateWarning(f) {
    const warn = [];
    const c = f.cases;
    const nPos = state.curve.nPos;
    const nNeg = state.curve.nNeg;
    const minC = state.minCases;
    const loc = state.locale;
    if (nPos < minC || nNeg < minC) {
      const kinds = `${count(nPos, loc)} ${labelFor(state.labels, "tp", 2)} or ${labelFor(state.labels, "fn", 2)}, ${count(nNeg, loc)} of the others`;
      warn.push(`These figures rest on few cases (${kinds}): they could be far off.`);
    }
    const flaggedCases = c.tp + c.fp;
    const otherCases = c.fn + c.tn;
    const few = (n, group) =>
      `Only ${count(n, loc)} ${n === 1 ? "case" : state.noun} in the data ${n === 1 ? "falls" : "fall"} in the “${group}” group at this cut-off: treat its numbers as rough.`;
    if (flaggedCases > 0 && flaggedCases < minC) warn.push(few(flaggedCases, state.labels.flagged || "Flagged"));
    if (otherCases > 0 && otherCases < minC) warn.push(few(otherCases, state.labels.not_flagged || "Not flagged"));
    setText(warning, warn.join(" "));
    warning.hidden = warn.length === 0;
  }

  // The technical detail is folded away; it is filled when open (and on opening).
  function renderDetails(f) {
    const nPos = state.curve.nPos;
    const nNeg = state.curve.nNeg;
    const fmtCount = (x) => (state.curve.weighted ? nfWeighted(x, state.locale) : count(x, state.locale));
    setChildren(
      detailsBody,
      h("dt", { text: "Threshold (score ≥)" }),
      h("dd", { text: String(f.t) }),
      h("dt", { text: state.curve.weighted ? "Weighted counts tp / fp / fn / tn" : "Counts tp / fp / fn / tn" }),
      h("dd", { "data-testid": "counts", text: OUTCOMES.map((k) => fmtCount(f.counts[k])).join(" / ") }),
      h("dt", { text: "Cases (positive / negative)" }),
      h("dd", { text: `${count(nPos, state.locale)} / ${count(nNeg, state.locale)}` }),
      h("dt", { text: "Catch rate (recall) · right when flagged (precision)" }),
      h("dd", {
        text: `${count(Math.round((100 * f.counts.tp) / (f.counts.tp + f.counts.fn)))} in 100 · ${f.counts.tp + f.counts.fp > 0 ? count(Math.round((100 * f.counts.tp) / (f.counts.tp + f.counts.fp))) + " in 100" : "nothing flagged"}`,
      }),
    );
  }

  const refresh = () => {
    state = readState(model);
    update();
  };
  const rebuild = () => {
    state = readState(model);
    cells = buildGrid();
    buildPresets();
    update();
  };
  cleanups.push(listen(model, ["threshold", "curve", "marked_cases", "population", "noun", "title", "min_cases", "locale", "currency"], refresh));
  cleanups.push(listen(model, ["payoff", "labels", "presets", "is_probability"], rebuild));
  update();

  return () => {
    for (const c of cleanups) c();
  };
}

export default { render };
