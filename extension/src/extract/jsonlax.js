// Tolerant JSON for JSON-LD scripts: a port of internal/extract/jsonlax.go.
// Objects become null-prototype objects (a repeated key keeps the last
// value), numbers stay text (JSONNumber), never floats.

export const MAX_JSON_DEPTH = 64;

/** A JSON number kept as its source text. */
export class JSONNumber {
  constructor(s) {
    this.s = s;
  }
}

class LaxError extends Error {}

const SPACE = new Set([' ', '\t', '\n', '\r', '\f', '\v']);

/**
 * Parses the text of a JSON-LD script, tolerating comment/CDATA markers, a
 * BOM, semicolons, trailing commas, raw control characters in strings,
 * unknown escapes and several values in a row (returned as an array).
 * Returns undefined when the script cannot be read.
 */
export function parseLaxJSON(src) {
  const p = { s: src, i: 0 };
  const vals = [];
  try {
    for (;;) {
      skipJunk(p);
      if (p.i >= p.s.length) break;
      vals.push(value(p, 0));
    }
  } catch (e) {
    if (e instanceof LaxError) return undefined;
    throw e;
  }
  if (vals.length === 0) return undefined;
  return vals.length === 1 ? vals[0] : vals;
}

function skipSpace(p) {
  while (p.i < p.s.length && SPACE.has(p.s[p.i])) p.i++;
}

const JUNK = ['<!--', '-->', '//<![CDATA[', '<![CDATA[', '//]]>', ']]>', '\uFEFF', ';'];

function skipJunk(p) {
  while (p.i < p.s.length) {
    skipSpace(p);
    const hit = JUNK.find((j) => p.s.startsWith(j, p.i));
    if (!hit) return;
    p.i += hit.length;
  }
}

function fail() {
  throw new LaxError('json-ld');
}

function value(p, depth) {
  if (depth > MAX_JSON_DEPTH) fail();
  skipSpace(p);
  if (p.i >= p.s.length) fail();
  const c = p.s[p.i];
  if (c === '{') return object(p, depth);
  if (c === '[') return array(p, depth);
  if (c === '"') return str(p);
  if (c === '-' || c === '+' || c === '.' || (c >= '0' && c <= '9')) return number(p);
  if (p.s.startsWith('true', p.i)) {
    p.i += 4;
    return true;
  }
  if (p.s.startsWith('false', p.i)) {
    p.i += 5;
    return false;
  }
  if (p.s.startsWith('null', p.i)) {
    p.i += 4;
    return null;
  }
  return fail();
}

function object(p, depth) {
  p.i++;
  const m = Object.create(null);
  for (;;) {
    skipSpace(p);
    if (p.i >= p.s.length) fail();
    const c = p.s[p.i];
    if (c === '}') {
      p.i++;
      return m;
    }
    if (c === ',') {
      p.i++;
      continue;
    }
    if (c !== '"') fail();
    const k = str(p);
    skipSpace(p);
    if (p.i >= p.s.length || p.s[p.i] !== ':') fail();
    p.i++;
    m[k] = value(p, depth + 1);
    skipSpace(p);
    if (p.i < p.s.length && p.s[p.i] === ',') {
      p.i++;
      continue;
    }
    if (p.i < p.s.length && p.s[p.i] === '}') continue;
    fail();
  }
}

function array(p, depth) {
  p.i++;
  const a = [];
  for (;;) {
    skipSpace(p);
    if (p.i >= p.s.length) fail();
    if (p.s[p.i] === ']') {
      p.i++;
      return a;
    }
    if (p.s[p.i] === ',') {
      p.i++;
      continue;
    }
    a.push(value(p, depth + 1));
    skipSpace(p);
    if (p.i < p.s.length && (p.s[p.i] === ',' || p.s[p.i] === ']')) continue;
    fail();
  }
}

const ESC = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

function hex4(p) {
  if (p.i + 4 > p.s.length) return -1;
  const h = p.s.slice(p.i, p.i + 4);
  if (!/^[0-9a-fA-F]{4}$/.test(h)) return -1;
  p.i += 4;
  return parseInt(h, 16);
}

function str(p) {
  p.i++;
  let out = '';
  let start = p.i;
  while (p.i < p.s.length) {
    const c = p.s[p.i];
    if (c === '"') {
      out += p.s.slice(start, p.i);
      p.i++;
      return out;
    }
    if (c !== '\\') {
      p.i++;
      continue;
    }
    out += p.s.slice(start, p.i);
    if (p.i + 1 >= p.s.length) fail();
    const e = p.s[p.i + 1];
    p.i += 2;
    if (e in ESC) out += ESC[e];
    else if (e === 'u') {
      let r = hex4(p);
      if (r < 0) {
        out += 'u';
      } else {
        if (r >= 0xd800 && r < 0xdc00 && p.s.startsWith('\\u', p.i)) {
          const save = p.i;
          p.i += 2;
          const r2 = hex4(p);
          if (r2 >= 0xdc00 && r2 < 0xe000) r = 0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00);
          else p.i = save;
        }
        if (r >= 0xd800 && r < 0xe000) r = 0xfffd;
        out += String.fromCodePoint(r);
      }
    } else {
      out += e;
    }
    start = p.i;
  }
  return fail();
}

function number(p) {
  const start = p.i;
  while (p.i < p.s.length && /[0-9+\-.eE]/.test(p.s[p.i])) p.i++;
  return new JSONNumber(p.s.slice(start, p.i));
}
