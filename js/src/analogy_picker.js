// AnalogyPicker: pick a concept, see fitting analogies as cards, read the chosen one filled
// with the model's real numbers. When bound to a ThresholdExplorer (trait `explorer`), the
// numbers are computed here from the explorer's curve + threshold, so the text follows its
// slider in JupyterLab and in an exported deck with no kernel.
import { h, isolateKeys, setChildren } from "./shared/dom.js";
import { readCurve } from "./shared/curve.js";
import { conditionHolds, conditionSlots, fillAnalogy, missingSlots, slotsFromCurve } from "./shared/template.js";

// Same words as WHY_MISSING in explainwidgets/core/analogies.py.
const NEAR = "too few cases score near the cut-off to check its chances";
const FLAGS = "the model flags too few cases at this setting to judge its flags";
const WHY_MISSING = {
  said_in_100: "the model's scores are not chances, so this analogy does not fit",
  observed_in_100: NEAR,
  band_cases: NEAR,
  band_hits: NEAR,
  verdict: NEAR,
  tp: FLAGS,
  fp: FLAGS,
  right_in_100: FLAGS,
  wrong_in_100: FLAGS,
  lift: FLAGS,
  catch_in_100: "there are too few cases to catch in this data",
  miss_in_100: "there are too few cases to catch in this data",
  alarm_in_100: "there are too few other cases in this data",
  rank_in_100: "it needs scores and enough cases of both kinds to judge the ranking",
};

/** Why an analogy does not fit these numbers, in words (as Analogy.why_not); null if it fits. */
export function whyNot(a, slots) {
  const missing = missingSlots(a.text, slots);
  if (a.when) for (const n of conditionSlots(a.when)) if (!slots || slots[n] === null || slots[n] === undefined) missing.push(n);
  if (missing.length) return [...new Set(missing.map((n) => WHY_MISSING[n] || "a number it needs is missing"))].join("; ");
  if (a.when && !conditionHolds(a.when, slots)) return a.when_not || "what it says does not hold for these numbers";
  return null;
}

/** The explorer model a picker is bound to, or null ("IPY_MODEL_<id>" -> model). */
export async function resolveExplorer(model) {
  const ref = model.get("explorer");
  if (!ref) return null;
  const id = String(ref).replace(/^IPY_MODEL_/, "");
  const wm = model.widget_manager;
  if (!wm || typeof wm.get_model !== "function") return null;
  try {
    return (await wm.get_model(id)) || null;
  } catch {
    return null;
  }
}

/** Slots from the bound explorer model, or the ones Python computed. */
export function currentSlots(model, explorer) {
  const own = model.get("slots") || {};
  if (!explorer) return own;
  const curve = readCurve(explorer.get("curve"));
  if (curve.thresholds.length === 0) return own;
  const noun = model.get("noun") || explorer.get("noun") || "cases";
  const positive = model.get("positive") || "real cases"; // as AnalogyPicker.current_slots
  return slotsFromCurve(curve, explorer.get("threshold"), {
    noun,
    positive,
    isProbability: Boolean(explorer.get("is_probability")),
  });
}

function fitting(library, concept) {
  return library.filter((a) => (a.concepts || []).includes(concept));
}

async function copyText(text) {
  try {
    if (globalThis.navigator && navigator.clipboard && navigator.clipboard.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through to the old way */
  }
  const area = h("textarea", { "aria-hidden": "true", style: { position: "fixed", opacity: "0" } });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand && document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return Boolean(ok);
}

function render({ model, el }) {
  let explorer = null;
  let explorerOff = () => {};
  let alive = true;
  let status = "";

  const root = h("div", { class: "ew-analogy-picker", "data-testid": "analogy-picker" });
  const conceptRow = h("div", { class: "ew-ap-concepts", role: "group", "aria-label": "What to explain" });
  const cards = h("div", { class: "ew-ap-cards", role: "group", "aria-label": "Analogies that fit" });
  const detail = h("section", { class: "ew-ap-detail", "aria-live": "polite", "data-testid": "detail" });
  const source = h("p", { class: "ew-ap-source", "data-testid": "source" });
  root.append(
    h("div", { class: "ew-ap-head" }, h("span", { class: "ew-ap-label", text: "Explain" }), conceptRow),
    cards,
    detail,
    source,
  );
  el.append(root);
  const unIsolate = isolateKeys(root);

  function library() {
    return Array.isArray(model.get("library")) ? model.get("library") : [];
  }

  function chosen() {
    const lib = library();
    const concept = model.get("concept");
    const fits = fitting(lib, concept);
    return fits.find((a) => a.id === model.get("analogy")) || fits[0] || null;
  }

  function setTrait(name, value) {
    model.set(name, value);
    model.save_changes();
  }

  function drawConcepts() {
    const concepts = model.get("concepts") || [];
    const current = model.get("concept");
    setChildren(
      conceptRow,
      concepts.map((c) =>
        h("button", {
          type: "button",
          class: "ew-ap-chip",
          "aria-pressed": String(c.id === current),
          "data-testid": `concept-${c.id}`,
          text: c.label,
          onClick: () => {
            if (c.id !== model.get("concept")) {
              model.set("concept", c.id);
              const fits = fitting(library(), c.id);
              if (!fits.some((a) => a.id === model.get("analogy")) && fits.length) model.set("analogy", fits[0].id);
              model.save_changes();
            }
          },
        }),
      ),
    );
  }

  function drawCards(slots) {
    const pick = chosen();
    const marks = model.get("worked_with") || {};
    const fits = fitting(library(), model.get("concept"));
    if (fits.length === 0) {
      setChildren(cards, h("p", { class: "ew-ap-empty", text: "No analogy in the library explains this yet." }));
      return;
    }
    setChildren(
      cards,
      fits.map((a) => {
        const ok = fillAnalogy(a, slots) !== null;
        const worked = Array.isArray(marks[a.id]) ? marks[a.id] : [];
        return h(
          "button",
          {
            type: "button",
            class: `ew-ap-card${ok ? "" : " ew-ap-card-off"}`,
            "aria-pressed": String(pick !== null && a.id === pick.id),
            "data-testid": `card-${a.id}`,
            onClick: () => setTrait("analogy", a.id),
          },
          h("span", { class: "ew-ap-card-title", text: a.title }),
          h("span", { class: "ew-ap-card-aud", text: `For: ${(a.audiences || []).join(", ")}` }),
          worked.length ? h("span", { class: "ew-ap-badge", text: `Worked with ${worked.join(", ")}` }) : null,
          ok ? null : h("span", { class: "ew-ap-card-aud", text: "Does not fit these numbers" }),
        );
      }),
    );
  }

  function drawDetail(slots) {
    const a = chosen();
    if (!a) {
      setChildren(detail);
      return;
    }
    const text = fillAnalogy(a, slots);
    const marks = model.get("worked_with") || {};
    const worked = Array.isArray(marks[a.id]) ? marks[a.id] : [];
    const copyState = h("span", { class: "ew-ap-copied", role: "status" });
    const audience = h("input", {
      type: "text",
      class: "ew-ap-aud-input",
      maxlength: "80",
      placeholder: "e.g. the CFO",
      "aria-label": "Audience this analogy worked with",
      "data-testid": "audience",
    });
    const mark = () => {
      const who = audience.value.trim().slice(0, 80);
      if (!who) {
        audience.focus();
        return;
      }
      const all = { ...(model.get("worked_with") || {}) };
      const list = Array.isArray(all[a.id]) ? [...all[a.id]] : [];
      if (!list.includes(who)) list.push(who);
      all[a.id] = list;
      setTrait("worked_with", all);
      audience.value = "";
    };
    audience.addEventListener("keydown", (e) => {
      if (e.key === "Enter") mark();
    });
    let body;
    if (text === null) {
      const reason = whyNot(a, slots) || "a number it needs is missing";
      body = h("p", { class: "ew-ap-text ew-ap-off", "data-testid": "text", text: `Not available here: ${reason.replace(/\.$/, "")}.` });
    } else {
      body = h("blockquote", { class: "ew-ap-text", "data-testid": "text", text });
    }
    setChildren(
      detail,
      h("h3", { class: "ew-ap-title", text: a.title }),
      body,
      h(
        "div",
        { class: "ew-ap-actions" },
        h("button", {
          type: "button",
          class: "ew-ap-btn",
          "data-testid": "copy",
          disabled: text === null,
          text: "Copy text",
          onClick: async () => {
            const ok = await copyText(text || "");
            copyState.textContent = ok ? "Copied" : "Select the text and copy it by hand";
          },
        }),
        copyState,
      ),
      h(
        "dl",
        { class: "ew-ap-notes" },
        h("dt", { text: "Where it misleads" }),
        h("dd", { "data-testid": "misleads", text: a.misleads }),
        h("dt", { text: "Why it works" }),
        h("dd", { "data-testid": "why", text: a.why }),
      ),
      h(
        "div",
        { class: "ew-ap-mark" },
        h("label", { class: "ew-ap-mark-label", text: "Worked with" }, audience),
        h("button", { type: "button", class: "ew-ap-btn", "data-testid": "mark", text: "Mark", onClick: mark }),
        worked.length ? h("span", { class: "ew-ap-badge", "data-testid": "marks", text: worked.join(", ") }) : null,
      ),
    );
  }

  function draw() {
    if (!alive) return;
    let slots;
    try {
      slots = currentSlots(model, explorer) || {};
      status = explorer ? "Numbers follow the explorer's slider." : status;
    } catch {
      slots = model.get("slots") || {};
    }
    drawConcepts();
    drawCards(slots);
    drawDetail(slots);
    const a = chosen();
    const src = a && a.source && a.source !== "built-in" ? `From your library: ${a.source}. ` : "";
    source.textContent = `${src}${status}`.trim();
  }

  async function bind() {
    explorerOff();
    explorerOff = () => {};
    explorer = await resolveExplorer(model);
    if (!alive) return;
    if (explorer) {
      const names = ["threshold", "curve", "noun", "is_probability"];
      for (const n of names) explorer.on(`change:${n}`, draw);
      explorerOff = () => {
        for (const n of names) explorer.off(`change:${n}`, draw);
      };
    } else {
      status = model.get("explorer") ? "The explorer is not available here; numbers as saved." : "";
    }
    draw();
  }

  const own = ["library", "concepts", "concept", "analogy", "slots", "noun", "positive", "worked_with"];
  for (const n of own) model.on(`change:${n}`, draw);
  model.on("change:explorer", bind);
  draw();
  const ready = bind();
  root.ready = ready; // lets tests await the explorer link

  return () => {
    alive = false;
    for (const n of own) model.off(`change:${n}`, draw);
    model.off("change:explorer", bind);
    explorerOff();
    unIsolate();
  };
}

export default { render };
