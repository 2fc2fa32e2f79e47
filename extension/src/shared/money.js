// Money for display. Amounts arrive as decimal strings ({"amount": "109.00",
// "currency": "USD"}); arithmetic is done on integers of minor units (BigInt),
// never on floats. Formatting uses Intl in the UI language.

const DECIMALS = { BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3, BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0, CLF: 4, UYW: 4 };

/** Decimals of a currency (ISO 4217 minor unit), 2 by default. */
export function decimalsOf(cur) {
  return Object.prototype.hasOwnProperty.call(DECIMALS, cur) ? DECIMALS[cur] : 2;
}

const DEC = /^-?\d+(\.\d+)?$/;

/** A decimal string as BigInt minor units of the given decimals (rounded half away from zero), or null. */
export function toMinor(amount, decimals) {
  const s = String(amount ?? '').trim();
  if (!DEC.test(s)) return null;
  const neg = s.startsWith('-');
  const [ip, fp = ''] = s.replace('-', '').split('.');
  const padded = (fp + '0'.repeat(decimals + 1)).slice(0, decimals + 1);
  let v = BigInt(ip + padded.slice(0, decimals));
  if (Number(padded[decimals]) >= 5) v += 1n;
  return neg ? -v : v;
}

/** BigInt minor units back to a decimal string. */
export function fromMinor(minor, decimals) {
  const neg = minor < 0n;
  const s = (neg ? -minor : minor).toString().padStart(decimals + 1, '0');
  const out = decimals > 0 ? `${s.slice(0, -decimals)}.${s.slice(-decimals)}` : s;
  return neg ? `-${out}` : out;
}

/** Reports whether m is {amount: decimal string, currency: 3 letters}. */
export function isMoney(m) {
  return Boolean(m) && typeof m === 'object' && DEC.test(String(m.amount ?? '')) && /^[A-Z]{3}$/.test(String(m.currency ?? ''));
}

/** Formats money for people ("$1,299.00", "1 299,00 €") in the given locale. */
export function formatMoney(m, locale) {
  if (!isMoney(m)) return '';
  const d = decimalsOf(m.currency);
  const minor = toMinor(m.amount, d);
  // Intl takes a string amount exactly (no float rounding) in current engines.
  const txt = fromMinor(minor, d);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency, minimumFractionDigits: d, maximumFractionDigits: d }).format(txt);
  } catch {
    return `${txt} ${m.currency}`;
  }
}

/** The absolute value of money. */
export function absMoney(m) {
  return { amount: String(m.amount).replace(/^-/, ''), currency: m.currency };
}

/**
 * A default watch target: the price minus `percent` (5 by default), rounded
 * down to the currency's minor unit, never below one minor unit.
 */
export function suggestTarget(m, percent = 5) {
  if (!isMoney(m)) return null;
  const d = decimalsOf(m.currency);
  const minor = toMinor(m.amount, d);
  let target = (minor * BigInt(100 - percent)) / 100n;
  if (target < 1n) target = 1n;
  return { amount: fromMinor(target, d), currency: m.currency };
}

/**
 * Reads a target price typed by the shopper ("95", "95.5", "1,299.00",
 * "95,50") for a currency. Returns money or null.
 */
export function parseTarget(input, currency) {
  let s = String(input || '').trim().replace(/[\s\u00a0\u202f']/g, '');
  if (s === '') return null;
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  const dec = Math.max(lastDot, lastComma);
  if (dec >= 0) {
    const frac = s.slice(dec + 1);
    const decimals = decimalsOf(currency);
    // "1,299" or "1.299" with exactly three digits and no other separator: grouping, unless the currency has 3 decimals.
    const grouping = frac.length === 3 && decimals !== 3 && (lastDot < 0 || lastComma < 0);
    if (grouping) s = s.replace(/[.,]/g, '');
    else s = s.slice(0, dec).replace(/[.,]/g, '') + '.' + frac;
  }
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  const d = decimalsOf(currency);
  const minor = toMinor(s, d);
  if (minor === null || minor <= 0n) return null;
  return { amount: fromMinor(minor, d), currency };
}
