// A fake anywidget model: the get/set/on/off/save_changes contract, recording saves.
import { JSDOM } from "jsdom";

export function installDom() {
  const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
  globalThis.window = dom.window;
  globalThis.document = dom.window.document;
  globalThis.HTMLElement = dom.window.HTMLElement;
  globalThis.Event = dom.window.Event;
  globalThis.KeyboardEvent = dom.window.KeyboardEvent;
  return dom;
}

export function fakeModel(initial) {
  const data = { ...initial };
  const handlers = new Map();
  const model = {
    saved: 0,
    get: (k) => data[k],
    set(k, v) {
      data[k] = v;
      for (const f of handlers.get(`change:${k}`) || []) f();
    },
    on(ev, f) {
      if (!handlers.has(ev)) handlers.set(ev, []);
      handlers.get(ev).push(f);
    },
    off(ev, f) {
      const list = handlers.get(ev) || [];
      handlers.set(ev, f ? list.filter((g) => g !== f) : []);
    },
    save_changes() {
      model.saved += 1;
    },
    listeners: () => [...handlers.values()].reduce((a, l) => a + l.length, 0),
  };
  return model;
}

/** A curve state like the one Python syncs (float64 little-endian bytes as DataView). */
export function curveState({ thresholds, tp, fp, totalPos, totalNeg }) {
  const dv = (arr) => new DataView(Float64Array.from(arr).buffer);
  return {
    thresholds: dv(thresholds),
    tp: dv(tp),
    fp: dv(fp),
    total_pos: totalPos,
    total_neg: totalNeg,
    n_pos: totalPos,
    n_neg: totalNeg,
    weighted: false,
  };
}
