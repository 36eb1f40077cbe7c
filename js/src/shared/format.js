// Number formatting for managers: honest precision, locale-aware, never "15.37 %".

const cache = new Map();
function nf(locale, options) {
  const key = `${locale}|${JSON.stringify(options)}`;
  if (!cache.has(key)) {
    let f;
    try {
      f = new Intl.NumberFormat(locale || undefined, options);
    } catch {
      // An invalid locale (or currency) must never blank the widget: fall back to English.
      try {
        f = new Intl.NumberFormat("en-US", options);
      } catch {
        f = new Intl.NumberFormat("en-US", { maximumFractionDigits: options.maximumFractionDigits ?? 0 });
      }
    }
    cache.set(key, f);
  }
  return cache.get(key);
}

/** Round to `digits` significant figures (3 by default), halves away from zero: 1845 -> 1850
 * (as core/text.py round_sig, so the static picture and the widget agree). */
export function roundSig(x, digits = 3) {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  const p = Math.floor(Math.log10(a)) - digits + 1;
  const f = 10 ** p;
  return Math.sign(x) * Math.floor(a / f + 0.5) * f;
}

/** Money with honest precision: 3 significant figures, whole units, a true minus sign. */
export function money(x, currency = "USD", locale = "en-US") {
  const r = Math.abs(roundSig(x, 3));
  const sign = x < 0 && r !== 0 ? "\u2212" : "";
  try {
    return sign + nf(locale, { style: "currency", currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(r);
  } catch {
    return `${sign}${nf(locale, { maximumFractionDigits: 0 }).format(r)} ${currency}`;
  }
}

/** A whole count: 12000 -> "12,000". */
export function count(x, locale = "en-US") {
  return nf(locale, { maximumFractionDigits: 0 }).format(Math.round(x));
}

/** A probability as natural frequency: 0.153 -> "15 in 100"; below 1 in 100: "2 in 1,000". */
export function inHundred(p, locale = "en-US") {
  if (!Number.isFinite(p)) return "";
  if (p > 0 && p < 0.01) return `${count(Math.max(1, Math.floor(p * 1000 + 0.5)), locale)} in ${count(1000, locale)}`;
  if (p >= 0.995 && p < 1) return "more than 99 in 100";
  return `${count(Math.floor(p * 100 + 0.5), locale)} in 100`;
}

/** A threshold shown to a person: 3 significant figures at most. */
export function threshold(t, locale = "en-US") {
  return nf(locale, { maximumSignificantDigits: 3 }).format(t);
}
