// DOM helpers over a standard `Document` (browser or a Node DOM library),
// following internal/extract/dom.go. Only nodeType numbers are used, so the
// code runs anywhere.

import { collapse, goTrimSpace, utf8Len } from './text.js';

export const ELEMENT = 1;
export const TEXT = 3;

/** Bytes of text collected from one element, at most (about). */
export const MAX_TEXT = 4096;
/** Longest description, in code points. */
export const MAX_DESCRIPTION = 500;

/** The attribute's value, or "". */
export function attr(n, key) {
  const v = n.getAttribute(key);
  return v === null ? '' : v;
}

export function hasAttr(n, key) {
  return n.hasAttribute(key);
}

/** The element's tag name, lower case (HTML elements), as Go's html.Node.Data. */
export function tagOf(n) {
  return n.localName;
}

/**
 * Elements with the given tag, in document order, leaving out those inside a
 * <noscript>: with scripting on (Go's parser and a real browser) its content
 * is text, while a DOM library without scripts parses it as markup.
 */
export function elementsByTag(doc, tag) {
  const all = doc.getElementsByTagName(tag);
  const hasNoscript = doc.getElementsByTagName('noscript').length > 0;
  const out = [];
  for (let i = 0; i < all.length; i++) {
    const el = all[i];
    if (el.localName !== tag) continue;
    if (hasNoscript && el.closest('noscript')) continue;
    out.push(el);
  }
  return out;
}

/** Element children, none for <noscript> (its content is text, see above). */
export function childElements(n) {
  if (n.nodeType === ELEMENT && n.localName === 'noscript') return [];
  return n.children ? Array.from(n.children) : [];
}

/** Reports whether the space-separated list s contains tok, ignoring case. */
export function hasToken(s, tok) {
  const t = tok.toLowerCase();
  for (const f of s.split(/[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/)) {
    if (f !== '' && f.toLowerCase() === t) return true;
  }
  return false;
}

/** Splits s on white space like Go's strings.Fields. */
export function fields(s) {
  return s.split(/[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/).filter((f) => f !== '');
}

/** Parses an absolute URL, or null. */
export function parseAbs(s) {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

/** Resolves ref against base (a URL or null): a URL, or null. */
export function resolve(base, ref) {
  try {
    return base ? new URL(ref, base) : new URL(ref);
  } catch {
    return null;
  }
}

/**
 * ref resolved against the page base when the result is an absolute http(s)
 * URL; else "".
 */
export function absURL(p, ref) {
  ref = goTrimSpace(ref || '');
  if (ref === '') return '';
  const u = resolve(p.base, ref);
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.host === '') return '';
  return u.href;
}

const SKIP_TEXT = new Set(['script', 'style', 'template', 'noscript']);
const BLOCK = new Set(['p', 'div', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article', 'dd', 'dt', 'table']);

/** Text never shown to people lives in these elements. */
export function skipText(n) {
  return SKIP_TEXT.has(n.localName);
}

/** Hidden from people: the hidden attribute or aria-hidden="true". */
export function isHidden(n) {
  return n.hasAttribute('hidden') || goTrimSpace(attr(n, 'aria-hidden')).toLowerCase() === 'true';
}

function collectText(n, acc, visible) {
  for (let c = n.firstChild; c !== null && acc.len < MAX_TEXT; c = c.nextSibling) {
    if (c.nodeType === TEXT) {
      acc.parts.push(c.data);
      acc.len += utf8Len(c.data);
    } else if (c.nodeType === ELEMENT) {
      if (SKIP_TEXT.has(c.localName) || (visible && isHidden(c))) continue;
      const block = BLOCK.has(c.localName);
      if (c.localName === 'br' || block) {
        acc.parts.push(' ');
        acc.len++;
      }
      collectText(c, acc, visible);
      if (block) {
        acc.parts.push(' ');
        acc.len++;
      }
    }
  }
}

/** Text of n (outside script/style/template/noscript), white space collapsed. */
export function textContent(n) {
  const acc = { parts: [], len: 0 };
  collectText(n, acc, false);
  return collapse(acc.parts.join(''));
}

/** textContent that also skips hidden and aria-hidden parts. */
export function visibleText(n) {
  const acc = { parts: [], len: 0 };
  collectText(n, acc, true);
  return collapse(acc.parts.join(''));
}

/** The text nodes directly inside n, white space collapsed. */
export function ownText(n) {
  if (!n) return '';
  const parts = [];
  let len = 0;
  for (let c = n.firstChild; c !== null && len < MAX_TEXT; c = c.nextSibling) {
    if (c.nodeType === TEXT) {
      parts.push(c.data, ' ');
      len += utf8Len(c.data) + 1;
    }
  }
  return collapse(parts.join(''));
}
