// Standard ipywidgets controls, rendered from saved state with native elements so a deck
// needs no widget manager. Values stay in the page (there is no kernel); jslink/jsdlink work.
import { h, isolateKeys, setChildren } from "../shared/dom.js";

export const CONTROL_MODELS = new Set([
  "IntSliderModel", "FloatSliderModel", "FloatLogSliderModel", "CheckboxModel", "DropdownModel",
  "TextModel", "IntTextModel", "FloatTextModel", "BoundedIntTextModel", "BoundedFloatTextModel",
  "LabelModel", "HTMLModel", "HTMLMathModel", "ButtonModel", "BoxModel", "HBoxModel", "VBoxModel",
  "GridBoxModel", "ToggleButtonModel", "IntProgressModel", "FloatProgressModel",
  "RadioButtonsModel", "ToggleButtonsModel", "OutputModel", "TabModel", "AccordionModel", "StackModel",
]);

/** The sanitised copy of an Output widget's saved outputs that the exporter put in the page. */
function savedOutput(modelId) {
  for (const node of document.querySelectorAll("[data-ewd-output]")) {
    if (node.dataset.ewdOutput === modelId) return node;
  }
  return null;
}

/** jslink / jsdlink: copy values between models in the page. */
export async function initControl(model, manager) {
  if (model.name !== "LinkModel" && model.name !== "DirectionalLinkModel") return;
  const [srcRef, srcAttr] = model.get("source") || [];
  const [tgtRef, tgtAttr] = model.get("target") || [];
  if (!srcRef || !tgtRef) return;
  const [src, tgt] = await Promise.all([manager.get_model(srcRef), manager.get_model(tgtRef)]);
  let busy = false;
  const copy = (from, fa, to, ta) => () => {
    if (busy) return;
    busy = true;
    try {
      to.set(ta, from.get(fa));
    } finally {
      busy = false;
    }
  };
  src.on(`change:${srcAttr}`, copy(src, srcAttr, tgt, tgtAttr));
  if (model.name === "LinkModel") tgt.on(`change:${tgtAttr}`, copy(tgt, tgtAttr, src, srcAttr));
  copy(src, srcAttr, tgt, tgtAttr)();
}

function fmt(model, value) {
  if (typeof value !== "number") return String(value ?? "");
  const name = model.name;
  if (name === "IntSliderModel") return String(Math.round(value));
  const step = Number(model.get("step")) || 0.1;
  const digits = Math.min(6, Math.max(0, Math.ceil(-Math.log10(step))));
  return value.toFixed(digits);
}

let controlCount = 0;

function labelled(model, control, extra) {
  const desc = model.get("description");
  const id = `ew-ctl-${model.model_id}-${(controlCount += 1)}`;
  control.id = id;
  return h("div", { class: "ew-control" },
    desc ? h("label", { class: "ew-control-label", for: id, text: desc }) : null,
    control, extra || null);
}

/** Render a control; resolves to a cleanup function. */
export async function renderControl({ model, el, renderChild }) {
  const name = model.name;
  const offs = [];
  const watch = (attr, fn) => {
    model.on(`change:${attr}`, fn);
    offs.push(() => model.off(`change:${attr}`, fn));
  };
  el.classList.add("ew-ipywidget");
  offs.push(isolateKeys(el));

  if (name === "IntSliderModel" || name === "FloatSliderModel" || name === "FloatLogSliderModel") {
    const log = name === "FloatLogSliderModel";
    const base = Number(model.get("base")) || 10;
    const toPos = (v) => (log ? Math.log(v) / Math.log(base) : v);
    const fromPos = (p) => (log ? base ** p : p);
    const input = h("input", {
      type: "range", min: model.get("min"), max: model.get("max"),
      step: model.get("step") ?? 1, "aria-label": model.get("description") || "value",
    });
    input.value = String(toPos(model.get("value")));
    const readout = h("output", { class: "ew-control-readout", text: fmt(model, model.get("value")) });
    input.addEventListener("input", () => {
      let v = fromPos(Number(input.value));
      if (name === "IntSliderModel") v = Math.round(v);
      model.set("value", v);
      model.save_changes();
    });
    watch("value", () => {
      input.value = String(toPos(model.get("value")));
      readout.textContent = fmt(model, model.get("value"));
    });
    el.append(labelled(model, input, model.get("readout") === false ? null : readout));
  } else if (name === "CheckboxModel" || name === "ToggleButtonModel") {
    const input = h("input", { type: "checkbox" });
    input.checked = !!model.get("value");
    input.addEventListener("change", () => { model.set("value", input.checked); model.save_changes(); });
    watch("value", () => { input.checked = !!model.get("value"); });
    el.append(labelled(model, input));
  } else if (name === "DropdownModel" || name === "RadioButtonsModel" || name === "ToggleButtonsModel") {
    const labels = model.get("_options_labels") || [];
    const select = h("select", {}, ...labels.map((l, i) => h("option", { value: String(i), text: l })));
    select.value = String(model.get("index") ?? 0);
    select.addEventListener("change", () => {
      model.set("index", Number(select.value));
      model.set("label", labels[Number(select.value)]);
      model.save_changes();
    });
    watch("index", () => { select.value = String(model.get("index") ?? 0); });
    el.append(labelled(model, select));
  } else if (/TextModel$/.test(name)) {
    const numeric = name !== "TextModel";
    const input = h("input", { type: numeric ? "number" : "text", placeholder: model.get("placeholder") || "" });
    input.value = String(model.get("value") ?? "");
    input.addEventListener("change", () => {
      model.set("value", numeric ? Number(input.value) : input.value);
      model.save_changes();
    });
    watch("value", () => { input.value = String(model.get("value") ?? ""); });
    el.append(labelled(model, input));
  } else if (name === "LabelModel" || name === "HTMLModel" || name === "HTMLMathModel") {
    // HTML widgets: their text only (the Python exporter put the sanitised text in _ew_text).
    const span = h("div", { class: "ew-control-text" });
    const show = () => { span.textContent = model.get("_ew_text") ?? model.get("value") ?? ""; };
    show();
    watch("value", show);
    el.append(span);
  } else if (name === "ButtonModel") {
    el.append(h("button", { type: "button", disabled: true, title: "Needs the notebook's Python", text: model.get("description") || "Button" }));
  } else if (name === "IntProgressModel" || name === "FloatProgressModel") {
    const bar = h("progress", { max: String(Number(model.get("max")) - Number(model.get("min"))) });
    const show = () => { bar.value = Number(model.get("value")) - Number(model.get("min")); };
    show();
    watch("value", show);
    el.append(labelled(model, bar));
  } else if (name === "OutputModel") {
    // No kernel re-runs the code: show what it printed or plotted when the notebook was saved.
    const saved = savedOutput(model.model_id);
    const out = h("div", { class: "ew-output" });
    if (saved && saved.children.length) for (const kid of saved.children) out.append(kid.cloneNode(true));
    else out.append(h("span", { class: "ew-control-missing", text: "(no saved output)" }));
    el.append(out);
  } else if (/BoxModel$/.test(name) || name === "TabModel" || name === "AccordionModel" || name === "StackModel") {
    // Tabs, accordions and stacks show every panel one under the other, each with its title.
    const titled = !/BoxModel$/.test(name);
    const titles = model.get("titles") || [];
    const box = h("div", { class: `ew-box ew-${name === "HBoxModel" ? "hbox" : "vbox"}` });
    el.append(box);
    const cleanups = [];
    for (const [i, ref] of (model.get("children") || []).entries()) {
      if (titled) box.append(h("div", { class: "ew-panel-title", text: titles[i] || `Part ${i + 1}` }));
      const child = h("div", { class: "ew-box-child" });
      box.append(child);
      try {
        cleanups.push(await renderChild(child, String(ref).replace(/^IPY_MODEL_/, "")));
      } catch (err) {
        setChildren(child, h("span", { class: "ew-control-missing", text: "(control not available offline)" }));
      }
    }
    offs.push(() => cleanups.forEach((c) => c()));
  } else {
    throw new Error(`no deck view for ${name}`);
  }
  return () => {
    for (const off of offs) off();
    el.replaceChildren();
  };
}
