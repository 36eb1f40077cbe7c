// Deck runtime: reveal.js + the small anywidget host. Inlined into every exported deck,
// so it must never fetch anything: widget code comes from the embedded state as Blob URLs.
import Reveal from "reveal.js";
import RevealNotes from "reveal.js/plugin/notes";
import { createHost } from "./deck/host.js";

const MAX_ZOOM = 1.35;
const MIN_ZOOM = 0.55;

function readData() {
  const node = document.getElementById("ew-deck-data");
  if (!node) return { models: {}, modules: {}, config: {} };
  return JSON.parse(node.textContent);
}

/** Scale a rendered widget so it fits the space left on its slide (projector-readable). */
export function fitWidget(box) {
  const view = box.querySelector(":scope > .ewd-view");
  const frame = box.closest(".ewd-frame");
  if (!view || !frame || !view.children.length) return;
  const frameRect = frame.getBoundingClientRect();
  if (!frameRect.height) return;
  const unit = frame.offsetHeight / frameRect.height; // layout px per screen px (reveal scales)
  const pad = parseFloat(getComputedStyle(frame).paddingBottom) || 0;
  const measure = () => {
    const b = box.getBoundingClientRect();
    const kids = [...view.children].map((k) => k.getBoundingClientRect());
    const right = Math.max(...kids.map((r) => r.right));
    const bottom = Math.max(...kids.map((r) => r.bottom));
    return {
      w: (right - b.left) * unit,
      h: (bottom - b.top) * unit,
      availW: b.width * unit,
      availH: (frameRect.bottom - b.top) * unit - pad,
    };
  };
  let zoom = 1;
  view.style.zoom = "1";
  for (let i = 0; i < 4; i++) {
    const m = measure();
    if (!m.w || !m.h) return;
    const next = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, zoom * Math.min(m.availH / m.h, m.availW / m.w)));
    if (Math.abs(next - zoom) < 0.01) break;
    zoom = next;
    view.style.zoom = zoom.toFixed(3);
  }
  const m = measure();
  if (m.h > m.availH + 1 || m.w > m.availW + 1) {
    zoom = Math.max(MIN_ZOOM, zoom * Math.min(m.availH / m.h, m.availW / m.w) * 0.98);
    view.style.zoom = zoom.toFixed(3);
  }
  box.dataset.ewdZoom = zoom.toFixed(2);
}

export function startDeck() {
  const data = readData();
  const host = createHost(data);
  // Links and every initialize start now; a box waits only for its own model (and the
  // models it references), so one broken widget cannot stop the others.
  host.start();
  const rendered = new Map(); // box element → Promise

  function renderBox(box) {
    if (rendered.has(box)) return rendered.get(box);
    const id = box.dataset.ewdModel;
    const view = document.createElement("div");
    view.className = "ewd-view";
    const p = host
      .renderInto(view, id)
      .then(() => {
        box.append(view);
        box.classList.add("ewd-live");
        fitWidget(box);
      })
      .catch((err) => {
        view.remove();
        box.classList.add("ewd-failed");
        box.dataset.ewdError = String(err && err.message ? err.message : err);
        console.error(`[deck] widget ${id} shows its saved picture instead:`, err);
      });
    rendered.set(box, p);
    return p;
  }

  function renderIn(root) {
    const boxes = root ? [...root.querySelectorAll(".ewd-widget[data-ewd-model]")] : [];
    return Promise.all(boxes.map(renderBox));
  }

  const printing = /print-pdf/gi.test(window.location.search);
  const deck = new Reveal(document.querySelector(".reveal"), {
    hash: true,
    width: data.config?.width || 1280,
    height: data.config?.height || 720,
    margin: 0.04,
    center: false,
    transition: "fade",
    transitionSpeed: "fast",
    slideNumber: "c/t",
    plugins: [RevealNotes],
  });

  const ready = deck.initialize().then(async () => {
    if (printing) await renderIn(document);
    else await renderIn(deck.getCurrentSlide());
    // Render the neighbours too so moving on is instant.
    const next = deck.getCurrentSlide()?.nextElementSibling;
    if (next) renderIn(next);
  });
  deck.on("slidechanged", (event) => {
    renderIn(event.currentSlide).then(() => {
      for (const box of event.currentSlide.querySelectorAll(".ewd-widget.ewd-live")) fitWidget(box);
    });
  });
  window.addEventListener("resize", () => {
    const current = deck.getCurrentSlide();
    if (current) for (const box of current.querySelectorAll(".ewd-widget.ewd-live")) fitWidget(box);
  });

  const api = {
    host,
    reveal: deck,
    ready: ready.then(() => {
      document.documentElement.dataset.ewDeck = "ready";
    }),
    renderAll: () => renderIn(document),
  };
  window.explainwidgetsDeck = api;
  return api;
}

if (typeof window !== "undefined" && document.getElementById("ew-deck-data")) startDeck();
