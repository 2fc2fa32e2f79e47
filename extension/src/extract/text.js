// Text helpers shared by the extractor: the same white-space rules as the Go
// extractor (internal/extract/dom.go).

/** UTF-8 byte length of s (Go measures text in bytes). */
export function utf8Len(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const SPACE_CODES = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0c, 0x0b, 0xa0, 0x202f, 0x2009, 0x2007]);

/**
 * Trims s and replaces every run of white space (including no-break spaces)
 * and control characters by one space.
 */
export function collapse(s) {
  let out = '';
  let space = false;
  for (const r of s) {
    const c = r.codePointAt(0);
    if (SPACE_CODES.has(c) || c < 0x20 || c === 0x7f) {
      space = true;
      continue;
    }
    if (space && out.length > 0) out += ' ';
    space = false;
    out += r;
  }
  return out;
}

/** Cuts s to at most n code points (then trims, as Go does). */
export function truncateRunes(s, n) {
  const cps = [...s];
  if (cps.length <= n) return s;
  return goTrimSpace(cps.slice(0, n).join(''));
}

/** Number of code points in s. */
export function runeCount(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

// Go's unicode.IsSpace, for strings.TrimSpace.
const RE_TRIM = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** Trims white space like Go's strings.TrimSpace. */
export function goTrimSpace(s) {
  return s.replace(RE_TRIM, '');
}
