// UncertaintySpectrum: statements placed on one bar from "Certain" to "Highly speculative".
// Python measures and words everything (explainwidgets/core/uncertainty.py); the browser
// draws it and recomputes only what a person can change: the decision threshold (its own,
// or a linked ThresholdExplorer's), and which statement is selected.
import { h, svg, setChildren, isolateKeys, listen } from "./shared/dom.js";
import { inHundred, count } from "./shared/format.js";

const LEVEL_CLASSES = ["l0", "l1", "l2", "l3", "l4"];

/**
 * Same rule as core.uncertainty.decision: "flag", "no flag" or "either".
 * With `per` (100 or 1000), lo and hi are the whole numbers shown on the card and the
 * cut-off is rounded to the same unit first, so the words agree with the numbers shown.
 */
export function decision(lo, hi, t, per = null) {
  const c = per != null ? Math.round(t * per) : t;
  if (lo >= c) return "flag";
  if (hi < c) return "no flag";
  return "either";
}

/** The cut-off in a card's unit (same as core.uncertainty.cutoff_text). */
export function cutoffText(t, per = null) {
  return per != null ? `${count(Math.round(t * per))} in ${count(per)}` : inHundred(t);
}

/** Same words as core.uncertainty.decision_text. */
export function decisionText(lo, hi, t, per = null) {
  const tt = cutoffText(t, per);
  const d = decision(lo, hi, t, per);
  if (d === "either") return `the range crosses the cut-off (${tt}): the decision could go either way`;
  if (d === "flag") return `the whole range is at or above the cut-off (${tt}): flagged either way`;
  return `the whole range is below the cut-off (${tt}): not flagged either way`;
}

/** The decision for a statement: on the shown numbers when Python sent them. */
export function statementDecision(s, t) {
  if (s.lo_shown != null && s.hi_shown != null && s.per != null) {
    return { d: decision(s.lo_shown, s.hi_shown, t, s.per), text: decisionText(s.lo_shown, s.hi_shown, t, s.per) };
  }
  return { d: decision(s.lo, s.hi, t), text: decisionText(s.lo, s.hi, t) };
}

/** A shared axis top for the range strips: the smallest of 5/10/20/50/100 in 100 that fits. */
export function axisMax(statements, threshold) {
  let hi = 0;
  for (const s of statements) if (s.hi != null) hi = Math.max(hi, s.hi);
  if (threshold != null) hi = Math.max(hi, threshold);
  for (const m of [0.05, 0.1, 0.2, 0.5, 1]) if (hi <= m) return m;
  return 1;
}

/** Spread statements inside their level's segment: returns x in [0, 1] along the bar. */
export function markerPositions(statements, nLevels) {
  const byLevel = new Map();
  statements.forEach((s, i) => {
    const l = Math.max(0, Math.min(nLevels - 1, s.level_index | 0));
    if (!byLevel.has(l)) byLevel.set(l, []);
    byLevel.get(l).push(i);
  });
  const x = new Array(statements.length);
  for (const [l, idx] of byLevel) {
    idx.forEach((i, j) => {
      x[i] = (l + (j + 1) / (idx.length + 1)) / nLevels;
    });
  }
  return x;
}

function rangeStrip(s, top, threshold, levelClass) {
  const W = 240;
  const H = 34;
  const pad = 6;
  const sx = (p) => pad + (Math.max(0, Math.min(top, p)) / top) * (W - 2 * pad);
  const ticks = [0, top / 2, top];
  const per = s.per === 1000 ? 1000 : 100; // the card's unit: one denominator per card
  const label = `${s.range_text || ""}${threshold != null ? `; cut-off ${cutoffText(threshold, s.per)}` : ""}`;
  const g = svg(
    "svg",
    { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "ew-us-strip", role: "img", "aria-label": `Range ${label}` },
    svg("line", { x1: pad, x2: W - pad, y1: 14, y2: 14, class: "ew-us-axis" }),
    svg("rect", {
      x: sx(s.lo),
      y: 7,
      width: Math.max(2, sx(s.hi) - sx(s.lo)),
      height: 14,
      rx: 3,
      class: `ew-us-range ${levelClass}`,
      "data-testid": "range",
    }),
    svg("line", { x1: sx(s.estimate), x2: sx(s.estimate), y1: 4, y2: 24, class: "ew-us-estimate" }),
    ...ticks.map((t) =>
      svg("text", { x: sx(t), y: 33, class: "ew-us-tick", "text-anchor": t === 0 ? "start" : t === top ? "end" : "middle" },
        `${count(Math.round(t * per))}${t === top ? ` in ${count(per)}` : ""}`),
    ),
  );
  if (threshold != null) {
    g.append(
      svg("line", {
        x1: sx(threshold),
        x2: sx(threshold),
        y1: 1,
        y2: 26,
        class: "ew-us-threshold",
        "data-testid": "threshold-line",
      }),
      threshold > 0.7 * top
        ? svg("text", { x: sx(threshold) - 3, y: 7, class: "ew-us-tick ew-us-tlabel", "text-anchor": "end" }, "cut-off")
        : svg("text", { x: sx(threshold) + 3, y: 7, class: "ew-us-tick ew-us-tlabel" }, "cut-off"),
    );
  }
  return g;
}

export default {
  render({ model, el }) {
    const root = h("div", { class: "ew-uncertainty-spectrum", "data-testid": "uncertainty-spectrum" });
    el.append(root);
    const cleanups = [isolateKeys(root)];
    let selected = 0;
    let sourceModel = null;
    let sourceThreshold = null;
    let alive = true;

    const threshold = () => (sourceThreshold != null ? sourceThreshold : model.get("threshold"));

    function select(i, focus) {
      const n = (model.get("statements") || []).length;
      if (n === 0) return;
      selected = ((i % n) + n) % n;
      draw();
      if (focus) {
        const m = root.querySelector(`[data-testid="marker-${selected}"]`);
        if (m) m.focus();
      }
    }

    function onMarkerKey(e) {
      const keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
      if (e.key in keys) {
        e.preventDefault();
        select(selected + keys[e.key], true);
      } else if (e.key === "Home") {
        e.preventDefault();
        select(0, true);
      } else if (e.key === "End") {
        e.preventDefault();
        select(-1, true);
      }
    }

    function draw() {
      const statements = model.get("statements") || [];
      const levels = model.get("levels") || [];
      const nL = Math.max(1, levels.length);
      const t = threshold();
      const title = model.get("title");
      const note = model.get("note");
      const openReasons = Boolean(model.get("reasons_open"));
      const detail = model.get("detail");
      const xs = markerPositions(statements, nL);

      const segments = levels.map((name, i) =>
        h("div", { class: `ew-us-seg ${LEVEL_CLASSES[i] || ""}`, "data-testid": `level-${i}` }, h("span", { text: name })),
      );
      const markers = statements.map((s, i) =>
        h(
          "button",
          {
            type: "button",
            class: `ew-us-marker ${LEVEL_CLASSES[s.level_index] || ""}${i === selected ? " selected" : ""}`,
            style: { left: `${(xs[i] * 100).toFixed(3)}%` },
            "data-testid": `marker-${i}`,
            role: "radio",
            "aria-checked": i === selected ? "true" : "false",
            tabindex: i === selected ? "0" : "-1",
            "aria-label": `Statement ${i + 1}: ${s.label ? `${s.label}: ` : ""}${s.text}. How sure: ${s.level}`,
            onClick: () => select(i, true),
            onKeydown: onMarkerKey,
          },
          String(i + 1),
        ),
      );
      const bar = h(
        "div",
        { class: "ew-us-bar" },
        h("div", { class: "ew-us-markers", role: "radiogroup", "aria-label": "Statements on the uncertainty spectrum" }, markers),
        h("div", { class: "ew-us-segs", "aria-hidden": "true" }, segments),
        h("div", { class: "ew-us-ends", "aria-hidden": "true" }, h("span", { text: "more sure" }), h("span", { text: "less sure" })),
      );

      const top = axisMax(statements, t);
      const cards = statements.map((s, i) => {
        const lc = LEVEL_CLASSES[s.level_index] || "";
        const measured = s.lo != null && s.hi != null && s.estimate != null;
        const dec = measured && t != null ? statementDecision(s, t) : null;
        return h(
          "li",
          {
            class: `ew-us-card${i === selected ? " selected" : ""}`,
            "data-testid": `card-${i}`,
            "aria-current": i === selected ? "true" : null,
            onClick: () => select(i, false),
          },
          h(
            "div",
            { class: "ew-us-head" },
            h("span", { class: `ew-us-num ${lc}`, text: String(i + 1), "aria-hidden": "true" }),
            h(
              "div",
              { class: "ew-us-words" },
              s.label ? h("div", { class: "ew-us-label", text: s.label }) : null,
              h("div", { class: "ew-us-text", "data-testid": "text", text: s.text }),
              h(
                "div",
                { class: "ew-us-meta" },
                h("span", { class: `ew-us-chip conf ${lc}`, "data-testid": "level", text: `How sure: ${s.level}` }),
                s.likelihood ? h("span", { class: "ew-us-chip lik", "data-testid": "chance", text: `Chance: ${s.likelihood}` }) : null,
              ),
            ),
            measured ? rangeStrip(s, top, t, lc) : null,
          ),
          dec
            ? h("div", {
                class: `ew-us-decision ${dec.d === "either" ? "either" : ""}`,
                "data-testid": "decision",
                role: dec.d === "either" ? "status" : null,
                text: dec.text,
              })
            : null,
          // The reasons fold under "Why?": the place, the chance and the decision come first
          // (a briefing slide stays readable); one click shows the measurements in words.
          (s.reasons || []).length
            ? h(
                "details",
                { class: "ew-us-why", "data-testid": "why", open: openReasons || null },
                h("summary", { text: `Why here? (${s.reasons.length} ${s.reasons.length === 1 ? "reason" : "reasons"})` }),
                h("ul", { class: "ew-us-reasons", "data-testid": "reasons" }, s.reasons.map((r) => h("li", { text: r }))),
              )
            : null,
          s.detail
            ? h(
                "details",
                { class: "ew-us-detail", "data-testid": "detail" },
                h("summary", { text: "Technical detail" }),
                h("div", { text: s.detail }),
              )
            : null,
        );
      });

      setChildren(
        root,
        title ? h("div", { class: "ew-us-title", text: title }) : null,
        bar,
        note ? h("div", { class: "ew-us-note", "data-testid": "note", text: note }) : null,
        detail
          ? h(
              "details",
              { class: "ew-us-detail ew-us-detail-all", "data-testid": "detail-all" },
              h("summary", { text: "Technical detail" }),
              h("div", { text: detail }),
            )
          : null,
        h("ol", { class: "ew-us-cards", "aria-label": "Statements and why they sit where they do" }, cards),
      );
    }

    function onSourceChange() {
      sourceThreshold = Number(sourceModel.get("threshold"));
      draw();
    }

    async function linkSource() {
      if (sourceModel) {
        sourceModel.off("change:threshold", onSourceChange);
        sourceModel = null;
        sourceThreshold = null;
      }
      const ref = model.get("threshold_source");
      if (typeof ref !== "string" || !ref.startsWith("IPY_MODEL_") || !model.widget_manager) return;
      try {
        const m = await model.widget_manager.get_model(ref.slice("IPY_MODEL_".length));
        if (!alive || !m) return;
        if (m.get("is_probability") === false) return;
        sourceModel = m;
        sourceModel.on("change:threshold", onSourceChange);
        onSourceChange();
      } catch (err) {
        console.warn("UncertaintySpectrum: could not reach the linked threshold explorer", err);
      }
    }

    draw();
    cleanups.push(listen(model, ["statements", "levels", "threshold", "title", "note", "detail"], draw));
    cleanups.push(listen(model, ["threshold_source"], linkSource));
    linkSource();
    cleanups.push(() => {
      alive = false;
      if (sourceModel) sourceModel.off("change:threshold", onSourceChange);
    });
    return () => {
      for (const c of cleanups) c();
      root.remove();
    };
  },
};
