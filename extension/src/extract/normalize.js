// Normalisation of identifiers, enumerations and prices: a port of
// internal/extract/normalize.go and price.go (and ident.NormalizeGTIN).

import { amountString, formatAmount, exponent, isCurrency, parseAmount, parseText } from './money.js';
import { collapse, goTrimSpace } from './text.js';
import { JSONNumber } from './jsonlax.js';

/** A property value taken from an element's text, written for people. */
export class TextValue {
  constructor(s) {
    this.s = s;
  }
}

/** Validates a GTIN-8/12/13/14 by check digit; returns 14 digits or "". */
export function normalizeGTIN(s) {
  let d = '';
  for (const c of s) {
    if (c >= '0' && c <= '9') d += c;
    else if (c !== ' ' && c !== '-') return '';
  }
  if (![8, 12, 13, 14].includes(d.length)) return '';
  d = d.padStart(14, '0');
  if (/^0*$/.test(d)) return '';
  return d[13] === gtinCheckDigit(d.slice(0, 13)) ? d : '';
}

function gtinCheckDigit(body) {
  let sum = 0;
  let w = 3;
  for (let i = body.length - 1; i >= 0; i--) {
    sum += (body.charCodeAt(i) - 48) * w;
    w = 4 - w;
  }
  return String.fromCharCode(48 + ((10 - (sum % 10)) % 10));
}

function isbn10ToGTIN(s) {
  const d = [];
  for (const c of s) {
    if ((c >= '0' && c <= '9') || ((c === 'X' || c === 'x') && d.length === 9)) d.push(c);
    else if (c !== '-' && c !== ' ') return null;
  }
  if (d.length !== 10) return null;
  let sum = 0;
  d.forEach((c, i) => {
    const v = c === 'X' || c === 'x' ? 10 : c.charCodeAt(0) - 48;
    sum += v * (10 - i);
  });
  if (sum % 11 !== 0) return null;
  const body = '978' + d.slice(0, 9).join('');
  let t = 0;
  for (let i = 0; i < 12; i++) {
    let v = body.charCodeAt(i) - 48;
    if (i % 2 === 1) v *= 3;
    t += v;
  }
  return body + String.fromCharCode(48 + ((10 - (t % 10)) % 10));
}

/** A GTIN (or ISBN-10) as 14 digits, a "urn:gtin:" prefix dropped; or "". */
export function normGTIN(s) {
  s = goTrimSpace(s);
  const i = s.lastIndexOf(':');
  if (i >= 0) s = goTrimSpace(s.slice(i + 1));
  if (s === '') return '';
  const g = isbn10ToGTIN(s);
  if (g !== null) s = g;
  return normalizeGTIN(s);
}

/** The part after the last '/', '#' or ':'. */
export function lastSegment(s) {
  s = goTrimSpace(s);
  const i = Math.max(s.lastIndexOf('/'), s.lastIndexOf('#'), s.lastIndexOf(':'));
  return i >= 0 ? s.slice(i + 1) : s;
}

function squash(s) {
  return s.toLowerCase().replace(/[ \-_]/g, '');
}

const AVAILABILITIES = {
  instock: 'in_stock', limitedavailability: 'in_stock', onlineonly: 'in_stock',
  instoreonly: 'in_stock', available: 'in_stock', availablefororder: 'in_stock',
  outofstock: 'out_of_stock', soldout: 'out_of_stock', discontinued: 'out_of_stock',
  oos: 'out_of_stock', unavailable: 'out_of_stock',
  preorder: 'preorder', presale: 'preorder',
  backorder: 'backorder',
};

const CONDITIONS = {
  newcondition: 'new', new: 'new',
  usedcondition: 'used', used: 'used', damagedcondition: 'used',
  refurbishedcondition: 'refurbished', refurbished: 'refurbished',
};

const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

export function normAvailability(s) {
  const k = squash(lastSegment(s));
  return own(AVAILABILITIES, k) ? AVAILABILITIES[k] : '';
}

export function normCondition(s) {
  const k = squash(lastSegment(s));
  return own(CONDITIONS, k) ? CONDITIONS[k] : '';
}

export function normCurrency(s) {
  const c = goTrimSpace(s).toUpperCase();
  return isCurrency(c) ? c : '';
}

/** Go's list(): null/undefined -> [], array -> itself, else [v]. */
export function list(v) {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Reports whether v is a schema node (a null-prototype object). */
export function isNode(v) {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === null;
}

/** v as trimmed text: strings, text values, numbers and {"@value": ...}. */
export function scalar(v) {
  if (typeof v === 'string') return goTrimSpace(v);
  if (v instanceof TextValue) return goTrimSpace(v.s);
  if (v instanceof JSONNumber) return v.s;
  if (isNode(v) && '@value' in v) return scalar(v['@value']);
  return '';
}

/** The first non-empty scalar of n[key]. */
export function text(n, key) {
  if (!n) return '';
  for (const v of list(n[key])) {
    const s = scalar(v);
    if (s !== '') return s;
  }
  return '';
}

/**
 * Reads price text written for people with parseText. Returns
 * {amount, currency, isRange} or null.
 */
export function parseHumanPrice(s, hint) {
  s = goTrimSpace(s);
  if (s === '') return null;
  if (!isCurrency(hint)) hint = '';
  const p = parseText(s, hint);
  if (!p) return null;
  return { amount: p.amount, currency: p.currency, isRange: p.isRange };
}

/** Reports whether price text names its currency itself. */
export function hasCurrencyMarker(s) {
  const p = parseText(s, '');
  return p !== null && p.currency !== '';
}

/**
 * Reads a price value: machine-readable values as a plain decimal first,
 * text for people with the locale-aware parser (cur as hint). Returns
 * [amount text, currency named by the text] or ['', ''].
 */
export function readPrice(v, cur) {
  for (const x of list(v)) {
    let s;
    let human = false;
    if (x instanceof JSONNumber) s = x.s;
    else if (typeof x === 'string') s = goTrimSpace(x);
    else if (x instanceof TextValue) {
      s = collapse(x.s);
      human = true;
    } else if (isNode(x)) s = scalar(x);
    else continue;
    if (s === '') continue;
    if (!human) {
      const a = parseAmount(s);
      if (a !== null) {
        if (a <= 0n) return ['', ''];
        return [amountString(a), ''];
      }
    }
    const hp = parseHumanPrice(s, cur);
    if (!hp || hp.amount <= 0n) return ['', ''];
    return [amountString(hp.amount), hp.currency];
  }
  return ['', ''];
}

export function sameAmount(a, b) {
  const x = parseAmount(a);
  const y = parseAmount(b);
  return x !== null && y !== null && x === y;
}

/** A canonical amount with the currency's usual decimals. */
export function formatPrice(amount, cur) {
  const a = parseAmount(amount);
  if (a === null) return amount;
  return formatAmount(a, exponent(cur));
}

const REGION_CURRENCIES = {
  us: 'USD', ca: 'CAD', au: 'AUD', nz: 'NZD', mx: 'MXN', sg: 'SGD', hk: 'HKD',
  gb: 'GBP', in: 'INR', br: 'BRL', ar: 'ARS', cl: 'CLP', co: 'COP',
  se: 'SEK', no: 'NOK', dk: 'DKK', is: 'ISK', cn: 'CNY', jp: 'JPY', tw: 'TWD',
  ch: 'CHF', pl: 'PLN', cz: 'CZK', ru: 'RUB',
};
const LANG_CURRENCIES = {
  sv: 'SEK', nb: 'NOK', nn: 'NOK', no: 'NOK', da: 'DKK', ja: 'JPY', zh: 'CNY',
  pl: 'PLN', cs: 'CZK', ru: 'RUB',
};

/** The hint currency for an html lang value ("en-CA" -> "CAD"), or "". */
export function langCurrency(lang) {
  const parts = goTrimSpace(lang).replace(/_/g, '-').toLowerCase().split('-');
  if (parts.length >= 2 && own(REGION_CURRENCIES, parts[parts.length - 1])) return REGION_CURRENCIES[parts[parts.length - 1]];
  return own(LANG_CURRENCIES, parts[0]) ? LANG_CURRENCIES[parts[0]] : '';
}
