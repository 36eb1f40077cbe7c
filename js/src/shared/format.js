// Number formatting for managers: honest precision, locale-aware, never "15.37 %".

const cache = new Map();
function nf(locale, options) {
  const key = `${locale}|${JSON.stringify(options)}`;
  if (!cache.has(key)) cache.set(key, new Intl.NumberFormat(locale || undefined, options));
  return cache.get(key);
}

/** Round to `digits` significant figures (3 by default): 1843.7 -> 1840. */
export function roundSig(x, digits = 3) {
  if (!Number.isFinite(x) || x === 0) return x;
  const p = Math.floor(Math.log10(Math.abs(x))) - digits + 1;
  const f = 10 ** p;
  return Math.round(x / f) * f;
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
  if (p > 0 && p < 0.01) return `${count(Math.max(1, Math.round(p * 1000)), locale)} in 1,000`;
  return `${count(Math.round(p * 100), locale)} in 100`;
}

/** A threshold shown to a person: 3 significant figures at most. */
export function threshold(t, locale = "en-US") {
  return nf(locale, { maximumSignificantDigits: 3 }).format(t);
}
