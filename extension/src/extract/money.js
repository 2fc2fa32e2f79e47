// Decimal amounts, ISO 4217 currencies and locale-aware price parsing: a port
// of the Go package internal/money (money.go, currency.go, markers.go,
// parse.go). An amount is a BigInt count of ten-thousandths of the major unit,
// never a float. Keep this file in step with the Go code (RULES.md).

import { goTrimSpace } from './text.js';

const EXPONENTS = {
  AED: 2, AFN: 2, ALL: 2, AMD: 2, ANG: 2, AOA: 2, ARS: 2, AUD: 2, AWG: 2, AZN: 2,
  BAM: 2, BBD: 2, BDT: 2, BGN: 2, BHD: 3, BIF: 0, BMD: 2, BND: 2, BOB: 2, BRL: 2,
  BSD: 2, BTN: 2, BWP: 2, BYN: 2, BZD: 2, CAD: 2, CDF: 2, CHF: 2, CLF: 4, CLP: 0,
  CNY: 2, COP: 2, CRC: 2, CUP: 2, CVE: 2, CZK: 2, DJF: 0, DKK: 2, DOP: 2, DZD: 2,
  EGP: 2, ERN: 2, ETB: 2, EUR: 2, FJD: 2, FKP: 2, GBP: 2, GEL: 2, GHS: 2, GIP: 2,
  GMD: 2, GNF: 0, GTQ: 2, GYD: 2, HKD: 2, HNL: 2, HTG: 2, HUF: 2, IDR: 2, ILS: 2,
  INR: 2, IQD: 3, IRR: 2, ISK: 0, JMD: 2, JOD: 3, JPY: 0, KES: 2, KGS: 2, KHR: 2,
  KMF: 0, KPW: 2, KRW: 0, KWD: 3, KYD: 2, KZT: 2, LAK: 2, LBP: 2, LKR: 2, LRD: 2,
  LSL: 2, LYD: 3, MAD: 2, MDL: 2, MGA: 2, MKD: 2, MMK: 2, MNT: 2, MOP: 2, MRU: 2,
  MUR: 2, MVR: 2, MWK: 2, MXN: 2, MYR: 2, MZN: 2, NAD: 2, NGN: 2, NIO: 2, NOK: 2,
  NPR: 2, NZD: 2, OMR: 3, PAB: 2, PEN: 2, PGK: 2, PHP: 2, PKR: 2, PLN: 2, PYG: 0,
  QAR: 2, RON: 2, RSD: 2, RUB: 2, RWF: 0, SAR: 2, SBD: 2, SCR: 2, SDG: 2, SEK: 2,
  SGD: 2, SHP: 2, SLE: 2, SOS: 2, SRD: 2, SSP: 2, STN: 2, SVC: 2, SYP: 2, SZL: 2,
  THB: 2, TJS: 2, TMT: 2, TND: 3, TOP: 2, TRY: 2, TTD: 2, TWD: 2, TZS: 2, UAH: 2,
  UGX: 0, USD: 2, UYI: 0, UYU: 2, UYW: 4, UZS: 2, VED: 2, VES: 2, VND: 0, VUV: 0,
  WST: 2, XAF: 0, XCD: 2, XOF: 0, XPF: 0, YER: 2, ZAR: 2, ZMW: 2, ZWG: 2,
};

/** Reports whether code is an active ISO 4217 alphabetic code (upper case). */
export function isCurrency(code) {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(EXPONENTS, code);
}

/** Number of minor-unit decimals of a currency (2 when unknown). */
export function exponent(code) {
  return isCurrency(code) ? EXPONENTS[code] : 2;
}

const SCALE = 10000n;
const SCALE_DIGITS = 4;
const MAX_AMOUNT = ((1n << 63n) - 1n) / 10n;

/**
 * Parses a plain decimal in the C locale ("15", "15.5", "-0.0001") into an
 * amount (BigInt ten-thousandths). Returns null when s is not one.
 */
export function parseAmount(s) {
  if (s === '') return null;
  let neg = false;
  let t = s;
  if (t[0] === '-' || t[0] === '+') {
    neg = t[0] === '-';
    t = t.slice(1);
  }
  const dot = t.indexOf('.');
  const hasPoint = dot >= 0;
  const intPart = hasPoint ? t.slice(0, dot) : t;
  let frac = hasPoint ? t.slice(dot + 1) : '';
  if (intPart === '' && (!hasPoint || frac === '')) return null;
  if (frac.length > SCALE_DIGITS) {
    if (/[^0]/.test(frac.slice(SCALE_DIGITS))) return null;
    frac = frac.slice(0, SCALE_DIGITS);
  }
  let v = 0n;
  for (const c of intPart) {
    if (c < '0' || c > '9') return null;
    if (v > (MAX_AMOUNT - 9n) / 10n) return null;
    v = v * 10n + BigInt(c.charCodeAt(0) - 48);
  }
  if (v > MAX_AMOUNT / SCALE) return null;
  v *= SCALE;
  let mul = SCALE / 10n;
  for (const c of frac) {
    if (c < '0' || c > '9') return null;
    v += BigInt(c.charCodeAt(0) - 48) * mul;
    mul /= 10n;
  }
  return neg ? -v : v;
}

/** Rounds an amount to the given number of decimals, half away from zero. */
export function roundAmount(a, decimals) {
  if (decimals >= SCALE_DIGITS) return a;
  if (decimals < 0) decimals = 0;
  let unit = 1n;
  for (let i = decimals; i < SCALE_DIGITS; i++) unit *= 10n;
  const half = unit / 2n;
  if (a >= 0n) return ((a + half) / unit) * unit;
  return -(((-a + half) / unit) * unit);
}

function formatRaw(a, minDecimals, trim) {
  const neg = a < 0n;
  const u = neg ? -a : a;
  const ip = u / SCALE;
  let fs = String(u % SCALE).padStart(4, '0');
  if (trim) {
    while (fs.length > minDecimals && fs[fs.length - 1] === '0') fs = fs.slice(0, -1);
  } else {
    fs = fs.slice(0, minDecimals);
  }
  return (neg ? '-' : '') + ip.toString() + (fs !== '' ? '.' + fs : '');
}

/** Canonical text of an amount: two to four decimals ("15.00", "0.125"). */
export function amountString(a) {
  return formatRaw(a, 2, true);
}

/** An amount with exactly `decimals` decimals, rounded half away from zero. */
export function formatAmount(a, decimals) {
  return formatRaw(roundAmount(a, decimals), decimals, false);
}

// ---------------------------------------------------------------- markers

export const FROM_SYMBOL = 'symbol';
export const FROM_CODE = 'code';
export const FROM_WORD = 'word';
export const FROM_HINT = 'hint';

const dollarCodes = ['USD', 'CAD', 'AUD', 'NZD', 'MXN', 'HKD', 'SGD', 'TWD', 'ARS', 'CLP', 'COP', 'UYU',
  'DOP', 'CUP', 'BSD', 'BBD', 'BZD', 'BMD', 'BND', 'KYD', 'FJD', 'GYD', 'JMD', 'LRD',
  'NAD', 'SBD', 'SRD', 'TTD', 'XCD', 'NIO', 'SVC', 'PAB', 'TOP', 'WST'];
const pesoCodes = ['MXN', 'ARS', 'CLP', 'COP', 'UYU', 'DOP', 'CUP', 'PHP'];
const poundCodes = ['GBP', 'EGP', 'GIP', 'FKP', 'SHP', 'LBP', 'SYP', 'SSP'];
const yenCodes = ['JPY', 'CNY'];
const kronaCodes = ['SEK', 'NOK', 'DKK', 'ISK'];
const rupeeCodes = ['INR', 'PKR', 'LKR', 'NPR', 'MUR', 'SCR'];
const francCodes = ['CHF', 'XOF', 'XAF', 'XPF', 'CDF', 'GNF', 'RWF', 'BIF', 'DJF', 'KMF'];
const rubleCodes = ['RUB', 'BYN'];
const leuCodes = ['RON', 'MDL'];
const cfaCodes = ['XOF', 'XAF'];
const riyalCodes = ['SAR', 'QAR', 'OMR', 'YER'];
const dirhamCodes = ['AED', 'MAD'];

const S = FROM_SYMBOL;
const W = FROM_WORD;
const MARKER_TABLE = [
  [S, dollarCodes, ['$']],
  [S, ['USD'], ['US$', 'U$S', '$US', 'U.S.$']],
  [S, ['CAD', 'NIO'], ['C$']],
  [S, ['CAD'], ['CA$', 'CAN$', '$CA', '$CAN']],
  [S, ['AUD'], ['A$', 'AU$', '$AU']],
  [S, ['NZD'], ['NZ$']],
  [S, ['HKD'], ['HK$']],
  [S, ['SGD'], ['S$']],
  [S, ['TWD'], ['NT$']],
  [S, ['MXN'], ['MX$', 'MEX$']],
  [S, ['BRL'], ['R$']],
  [S, ['DOP'], ['RD$']],
  [S, ['COP'], ['COL$']],
  [S, ['EUR'], ['€']],
  [S, poundCodes, ['£']],
  [S, yenCodes, ['¥']],
  [S, ['CNY'], ['元', 'RMB']],
  [S, ['JPY'], ['円', 'JP¥']],
  [S, ['CNY'], ['CN¥']],
  [S, ['INR'], ['₹']],
  [S, rupeeCodes, ['Rs', 'Rs.', '₨']],
  [S, ['PLN'], ['zł']],
  [S, ['CZK'], ['Kč']],
  [S, kronaCodes, ['kr', 'kr.']],
  [S, rubleCodes, ['руб', 'руб.', 'р.']],
  [S, ['RUB'], ['₽']],
  [S, ['UAH'], ['₴', 'грн', 'грн.']],
  [S, ['BGN'], ['лв', 'лв.']],
  [S, francCodes, ['Fr.', 'SFr.']],
  [S, cfaCodes, ['FCFA', 'CFA']],
  [S, ['HUF'], ['Ft']],
  [S, leuCodes, ['lei']],
  [S, ['TRY'], ['₺', 'TL']],
  [S, ['KRW', 'KPW'], ['₩']],
  [S, ['ILS'], ['₪']],
  [S, ['THB'], ['฿', 'บาท']],
  [S, ['VND'], ['₫']],
  [S, ['PHP'], ['₱']],
  [S, ['NGN'], ['₦']],
  [S, ['KZT'], ['₸']],
  [S, ['GEL'], ['₾']],
  [S, ['CRC'], ['₡']],
  [S, ['PYG'], ['₲']],
  [S, ['BDT'], ['৳']],
  [S, ['LAK'], ['₭']],
  [S, ['MNT'], ['₮']],
  [S, ['MYR'], ['RM']],
  [S, ['IDR'], ['Rp']],
  [S, ['PEN'], ['S/', 'S/.']],
  [W, ['EUR'], ['euro', 'euros', 'евро']],
  [W, dollarCodes, ['dollar', 'dollars', 'dólar', 'dólares']],
  [W, pesoCodes, ['peso', 'pesos']],
  [W, poundCodes, ['pound', 'pounds']],
  [W, ['JPY'], ['yen']],
  [W, ['CNY'], ['yuan']],
  [W, rupeeCodes, ['rupee', 'rupees']],
  [W, francCodes, ['franc', 'francs', 'franken']],
  [W, ['PLN'], ['złoty', 'zloty', 'złotych', 'zlotych']],
  [W, ['CZK'], ['koruna', 'korun']],
  [W, ['HUF'], ['forint']],
  [W, ['BRL'], ['reais']],
  [W, rubleCodes, ['ruble', 'rubles', 'rouble', 'roubles', 'рубль', 'рубля', 'рублей']],
  [W, ['SEK', 'ISK'], ['krona', 'kronor']],
  [W, ['NOK', 'DKK'], ['krone', 'kroner']],
  [W, ['TRY'], ['lira', 'liras']],
  [W, ['KRW', 'KPW'], ['won']],
  [W, ['ILS'], ['shekel', 'shekels']],
  [W, ['THB'], ['baht']],
  [W, ['MYR'], ['ringgit']],
  [W, ['IDR'], ['rupiah']],
  [W, ['UAH'], ['hryvnia', 'hryvnias']],
  [W, ['BGN'], ['leva']],
  [W, ['ZAR'], ['rand']],
  [W, riyalCodes, ['riyal', 'riyals']],
  [W, dirhamCodes, ['dirham', 'dirhams']],
];

const LOWER_CASE_CODES = new Set(['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CNY', 'CAD',
  'AUD', 'NZD', 'SEK', 'NOK', 'DKK', 'ISK', 'PLN', 'CZK', 'HUF', 'RON', 'BGN', 'RUB', 'UAH', 'INR',
  'BRL', 'MXN', 'HKD', 'SGD', 'KRW', 'ZAR', 'ILS', 'AED', 'TWD', 'THB', 'IDR', 'MYR', 'PHP', 'VND']);

const WORD_LIKE_CODES = new Set(['ALL', 'AMD', 'BAM', 'BOB', 'CAD', 'CUP', 'GEL',
  'MAD', 'MOP', 'PEN', 'SOS', 'TOP', 'TRY', 'LAK', 'ERN', 'GIP', 'MUR', 'SAR', 'NAD', 'TND']);

const RE_SC = /\p{Sc}/u;
const RE_LETTER_OR_MN = /[\p{L}\p{Mn}]/u;
const RE_NOSPACE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const RE_WHITE_SPACE = /\p{White_Space}/u;

/** Lower-cases one code point like Go's unicode.ToLower (one rune in, one out). */
export function lowerRune(r) {
  if (r.length === 1 && r < '\u0080') return r >= 'A' && r <= 'Z' ? String.fromCharCode(r.charCodeAt(0) + 32) : r;
  const l = r.toLowerCase();
  if (l === r) return r;
  const cps = [...l];
  return cps.length === 1 ? l : cps[0];
}

const MARKERS = (() => {
  const ms = [];
  for (const [kind, codes, texts] of MARKER_TABLE) {
    for (const t of texts) {
      const text = [...t].map(lowerRune);
      ms.push({ text, kind, codes, strong: [...t].some((r) => RE_SC.test(r)) });
    }
  }
  // Stable sort, longest first ("US$" before "$", "kr." before "kr").
  return ms.map((m, i) => [m, i]).sort((a, b) => (b[0].text.length - a[0].text.length) || (a[1] - b[1])).map((x) => x[0]);
})();

/** A letter or combining mark of a script written with spaces between words. */
export function isWordRune(r) {
  if (r === undefined) return false;
  // ASCII fast path: the Unicode property tables are compiled only for other text.
  if (r.length === 1 && r < '\u0080') return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  if (!RE_LETTER_OR_MN.test(r)) return false;
  return !RE_NOSPACE_SCRIPT.test(r);
}

function matchMarker(low, i) {
  for (const m of MARKERS) {
    const n = m.text.length;
    if (i + n > low.length) continue;
    let ok = true;
    for (let k = 0; k < n; k++) {
      if (low[i + k] !== m.text[k]) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    if (isWordRune(m.text[0]) && i > 0 && isWordRune(low[i - 1])) continue;
    if (isWordRune(m.text[n - 1]) && i + n < low.length && isWordRune(low[i + n])) continue;
    return [m, n];
  }
  return null;
}

function codeMarker(word) {
  if (word.length !== 3) return null;
  const s = word.join('');
  const up = s.toUpperCase();
  if (!isCurrency(up)) return null;
  if (s !== up && !LOWER_CASE_CODES.has(up)) return null;
  return { text: [...s.toLowerCase()], kind: FROM_CODE, codes: [up], strong: s === up && !WORD_LIKE_CODES.has(up) };
}

// ---------------------------------------------------------------- lexer

const T_NUM = 0;
const T_CUR = 1;
const T_DASH = 2;
const T_PERCENT = 3;
const T_WORD = 4;
const T_OTHER = 5;

const RANGE_WORDS = new Set(['to', 'bis', 'a', 'à', 'au', 'até', 'hasta', 'tot', 'til', 'till', 'do', 'до', 'through']);

const isDigit = (r) => r !== undefined && r.length === 1 && r >= '0' && r <= '9';

const NORM_MAP = {
  '，': ',', '．': '.', '\u066B': '.',
  '’': "'", 'ʼ': "'", '′': "'", '‘': "'", '\u066C': "'",
  '–': '-', '—': '-', '‒': '-', '−': '-', '‐': '-', '‑': '-', '―': '-', '﹣': '-', '－': '-',
  '〜': '~', '～': '~', '￥': '¥', '＄': '$', '￡': '£',
};

function normalize(s) {
  const out = [];
  for (let r of s) {
    const c = r.codePointAt(0);
    if (c >= 0xff10 && c <= 0xff19) r = String.fromCharCode(48 + c - 0xff10);
    else if (c >= 0x0660 && c <= 0x0669) r = String.fromCharCode(48 + c - 0x0660);
    else if (c >= 0x06f0 && c <= 0x06f9) r = String.fromCharCode(48 + c - 0x06f0);
    else if (c === 0xad || (c >= 0x200b && c <= 0x200f) || c === 0x2060 || c === 0xfeff) continue;
    else if (c < 0x80 ? (c >= 9 && c <= 13) || c === 32 : RE_WHITE_SPACE.test(r)) r = ' ';
    if (Object.prototype.hasOwnProperty.call(NORM_MAP, r)) r = NORM_MAP[r];
    out.push(r);
  }
  return out;
}

function digitsEnd(rs, i) {
  while (i < rs.length && isDigit(rs[i])) i++;
  return i;
}

function spaceGroups(num, rs, i) {
  for (const s of num.seps) if (s !== ' ') return false;
  const g = num.groups[0];
  if (num.groups.length === 1 && (g.length < 1 || g.length > 3)) return false;
  if (i + 4 > rs.length) return false;
  for (let k = i + 1; k < i + 4; k++) if (!isDigit(rs[k])) return false;
  return i + 4 === rs.length || !isDigit(rs[i + 4]);
}

function lexNumber(rs, i) {
  const start = i;
  const num = { text: '', groups: [], seps: [], zeroFrac: false, decimal: false };
  const n = rs.length;
  if (rs[i] === '.' || rs[i] === ',') {
    num.groups.push('');
    num.seps.push(rs[i]);
    i++;
  }
  let j = digitsEnd(rs, i);
  num.groups.push(rs.slice(i, j).join(''));
  i = j;
  while (i < n) {
    const c = rs[i];
    if ((c === '.' || c === ',' || c === "'") && i + 1 < n && isDigit(rs[i + 1])) {
      j = digitsEnd(rs, i + 1);
      num.seps.push(c);
      num.groups.push(rs.slice(i + 1, j).join(''));
      i = j;
      continue;
    }
    if (c === ' ' && spaceGroups(num, rs, i)) {
      num.seps.push(' ');
      num.groups.push(rs.slice(i + 1, i + 4).join(''));
      i += 4;
      continue;
    }
    if ((c === '.' || c === ',') && i + 1 < n && rs[i + 1] === '-' && (i + 2 >= n || !isDigit(rs[i + 2]))) {
      num.zeroFrac = true;
      i += 2;
      if (i < n && rs[i] === '-' && (i + 1 >= n || !isDigit(rs[i + 1]))) i++;
    }
    break;
  }
  num.text = rs.slice(start, i).join('');
  return [num, i];
}

function mergeEuroDecimal(toks) {
  for (let k = 0; k + 2 < toks.length; k++) {
    const a = toks[k];
    const c = toks[k + 1];
    const b = toks[k + 2];
    if (a.kind !== T_NUM || c.kind !== T_CUR || b.kind !== T_NUM ||
      a.end !== c.start || c.end !== b.start || c.mk.text.join('') !== '€' ||
      a.num.seps.length !== 0 || a.num.zeroFrac || b.num.seps.length !== 0 || b.num.zeroFrac ||
      b.num.groups[0].length !== 2) {
      continue;
    }
    const num = { ...a.num, groups: [a.num.groups[0], b.num.groups[0]], seps: ['€'], decimal: true, text: a.num.text + '€' + b.num.text };
    toks[k] = { ...a, num };
    toks.splice(k + 2, 1);
  }
  return toks;
}

function lex(rs) {
  const low = rs.map(lowerRune);
  const toks = [];
  const n = rs.length;
  for (let i = 0; i < n;) {
    const r = rs[i];
    if (r === ' ') {
      i++;
      continue;
    }
    if (isDigit(r) || ((r === '.' || r === ',') && i + 1 < n && isDigit(rs[i + 1]) && (i === 0 || !isDigit(rs[i - 1])))) {
      const [num, j] = lexNumber(rs, i);
      toks.push({ kind: T_NUM, start: i, end: j, num });
      i = j;
      continue;
    }
    const mm = matchMarker(low, i);
    if (mm) {
      toks.push({ kind: T_CUR, start: i, end: i + mm[1], mk: mm[0] });
      i += mm[1];
      continue;
    }
    if (r === '-' || r === '~') {
      let j = i + 1;
      while (j < n && rs[j] === r) j++;
      toks.push({ kind: T_DASH, start: i, end: j, r });
      i = j;
    } else if (r === '%' || r === '٪') {
      toks.push({ kind: T_PERCENT, start: i, end: i + 1, r });
      i++;
    } else if (isWordRune(r)) {
      let j = i + 1;
      while (j < n && isWordRune(rs[j])) j++;
      const word = rs.slice(i, j);
      const t = { kind: T_WORD, start: i, end: j };
      const cm = codeMarker(word);
      if (cm) {
        t.kind = T_CUR;
        t.mk = cm;
      } else if (RANGE_WORDS.has(low.slice(i, j).join(''))) {
        t.kind = T_DASH;
      }
      toks.push(t);
      i = j;
    } else if (!(r.length === 1 && r < '\u0080') && RE_LETTER_OR_MN.test(r)) {
      toks.push({ kind: T_WORD, start: i, end: i + 1, nospace: true });
      i++;
    } else {
      toks.push({ kind: T_OTHER, start: i, end: i + 1, r });
      i++;
    }
  }
  return mergeEuroDecimal(toks);
}

function isQuantity(toks, k) {
  const t = toks[k];
  if (k + 1 < toks.length && toks[k + 1].kind === T_PERCENT) return true;
  const glued = (o) => {
    if (o.kind === T_WORD) return !o.nospace;
    if (o.kind === T_OTHER) return o.r === '#' || o.r === '×' || o.r === '№';
    return false;
  };
  if (k > 0 && toks[k - 1].end === t.start && glued(toks[k - 1])) return true;
  return k + 1 < toks.length && toks[k + 1].start === t.end && glued(toks[k + 1]);
}

function intersect(a, b) {
  return a.filter((x) => b.includes(x));
}

function resolveCurrency(found, hint) {
  if (found.length === 0) return hint !== '' ? [hint, FROM_HINT] : ['', ''];
  let cands = found[0].mk.codes;
  let from = found[0].mk.kind;
  for (const t of found.slice(1)) {
    cands = intersect(cands, t.mk.codes);
    if (t.mk.kind === FROM_CODE || (t.mk.kind === FROM_SYMBOL && from === FROM_WORD)) from = t.mk.kind;
  }
  if (cands.length === 0) return null; // conflicting currencies
  if (cands.length === 1) return [cands[0], from];
  if (hint !== '' && cands.includes(hint)) return [hint, FROM_HINT];
  for (const t of found) {
    if (cands.includes(t.mk.codes[0])) return [t.mk.codes[0], from];
  }
  return [cands[0], from];
}

function checkGrouping(groups, seps) {
  if (groups.length <= 1) return true;
  for (const c of seps) if (c !== seps[0]) return false;
  const l0 = groups[0].length;
  if (l0 < 1 || l0 > 3) return false;
  if (groups[groups.length - 1].length !== 3) return false;
  const mid = groups.slice(1, -1);
  if (mid.length === 0) return true;
  const w = mid[0].length;
  if (w !== 2 && w !== 3) return false;
  return mid.every((m) => m.length === w);
}

function splitNumber(num, exp) {
  const g = num.groups;
  const s = num.seps;
  if (num.zeroFrac || s.length === 0) return [g, s, ''];
  const last = s[s.length - 1];
  let decimal = num.decimal;
  if (!decimal && (last === '.' || last === ',')) {
    const other = last === '.' ? ',' : '.';
    let count = 0;
    let hasOther = false;
    let hasSpace = false;
    for (const c of s) {
      if (c === last) count++;
      else if (c === other) hasOther = true;
      else hasSpace = true;
    }
    if (count > 1) decimal = false;
    else if (hasOther || hasSpace || g[0] === '') decimal = true;
    else {
      const f = g[g.length - 1];
      decimal = f.length !== 3 || exp === 3 || g[0].length > 3 || /^0*$/.test(g[0]);
    }
  }
  if (!decimal) return [g, s, ''];
  return [g.slice(0, -1), s.slice(0, -1), g[g.length - 1]];
}

function numberAmount(num, exp) {
  const [intGroups, intSeps, frac] = splitNumber(num, exp);
  if (!checkGrouping(intGroups, intSeps)) return null;
  if (frac.length > SCALE_DIGITS && /[^0]/.test(frac.slice(SCALE_DIGITS))) return null;
  let digits = intGroups.join('');
  if (digits === '') digits = '0';
  if (frac !== '') digits += '.' + frac;
  return parseAmount(digits);
}

/**
 * Reads a price as shop pages write it ("1.299,00 €", "$1,299.00",
 * "CHF 1'299.–", "$10 - $20"). hint is an ISO 4217 code or "". Returns
 * {amount (BigInt, low end of a range), high, currency ('' when unknown),
 * isRange, from} or null when the text is not one price or range.
 */
export function parseText(s, hint = '') {
  hint = goTrimSpace(String(hint || '')).toUpperCase();
  if (hint !== '' && !isCurrency(hint)) return null;
  const rs = normalize(s);
  const toks = lex(rs);
  const price = [];
  let numbers = 0;
  toks.forEach((t, k) => {
    if (t.kind !== T_NUM) return;
    numbers++;
    if (!isQuantity(toks, k)) price.push(k);
  });
  if (numbers === 0 || price.length === 0 || price.length > 2) return null;

  let j = price[0] - 1;
  let at = toks[price[0]].start;
  if (j >= 0 && toks[j].kind === T_CUR && toks[j].end === at) {
    at = toks[j].start;
    j--;
  }
  if (j >= 0 && toks[j].kind === T_DASH && toks[j].r === '-' && toks[j].end === at) return null;

  if (price.length === 2) {
    let connectors = 0;
    for (let k = price[0] + 1; k < price[1]; k++) {
      const kind = toks[k].kind;
      if (kind === T_CUR) continue;
      if (kind === T_DASH) connectors++;
      else connectors = 2;
    }
    if (connectors !== 1) return null;
  }

  const next = new Array(toks.length).fill(false);
  let adjacent = false;
  for (const k of price) {
    for (let x = k - 1; x >= 0 && toks[x].kind === T_CUR; x--) {
      next[x] = true;
      adjacent = true;
    }
    for (let x = k + 1; x < toks.length && toks[x].kind === T_CUR; x++) {
      next[x] = true;
      adjacent = true;
    }
  }
  const found = toks.filter((t, k) => t.kind === T_CUR && (next[k] || (!adjacent && t.mk.strong)));
  const res = resolveCurrency(found, hint);
  if (!res) return null;
  const [code, from] = res;
  const exp = code !== '' ? exponent(code) : 2;
  const lo = numberAmount(toks[price[0]].num, exp);
  if (lo === null) return null;
  const out = { amount: lo, high: lo, currency: code, isRange: false, from };
  if (price.length === 2) {
    const hi = numberAmount(toks[price[1]].num, exp);
    if (hi === null || hi < lo) return null;
    out.isRange = true;
    out.high = hi;
  }
  return out;
}
