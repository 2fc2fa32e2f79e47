// URL scrubbing for the panel collector: a port of the server's
// policy.ScrubURL (internal/policy/scrub.go) and of the parts of Go's
// net/url it relies on (Parse, EscapedPath, Query, QueryEscape, String), so
// that what the device sends is byte for byte what the server expects (the
// server refuses URLs that are not already in scrubbed form). Both are
// tested on testdata/scrub/cases.json.
//
// Go strings are bytes; so are the "byte strings" here: one char per byte
// (0..255) of the UTF-8 text. Rules driven by regular expressions see the
// decoded text (invalid UTF-8 as U+FFFD, as Go's regexp does).
//
// Pure: no DOM, no extension API. Runs in Node, the background and content
// scripts.

const SENSITIVE_ORDER = ['banking', 'health', 'government', 'adult', 'webmail'];
const MAX_QUERY_PARAMS = 10000;

// Encoding modes of net/url.
const PATH = 1;
const PATH_SEGMENT = 2;
const HOST = 3;
const ZONE = 4;
const USER_PASSWORD = 5;
const QUERY_COMPONENT = 6;
const FRAGMENT = 7;

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

/** The UTF-8 bytes of a JS string, as a byte string. */
export function toBytes(s) {
  const b = enc.encode(s);
  let out = '';
  for (let i = 0; i < b.length; i += 8192) out += String.fromCharCode(...b.subarray(i, i + 8192));
  return out;
}

/** The text of a byte string (invalid UTF-8 becomes U+FFFD). */
export function fromBytes(bs) {
  const u = new Uint8Array(bs.length);
  for (let i = 0; i < bs.length; i++) u[i] = bs.charCodeAt(i);
  return dec.decode(u);
}

const isAlnum = (c) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
const isHex = (c) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const unhex = (c) => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10);

/** net/url shouldEscape. */
function shouldEscape(c, mode) {
  if (isAlnum(c)) return false;
  const ch = String.fromCharCode(c);
  if ((mode === HOST || mode === ZONE) && '!$&\'()*+,;=:[]<>"'.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case PATH: return ch === '?';
      case PATH_SEGMENT: return ch === '/' || ch === ';' || ch === ',' || ch === '?';
      case USER_PASSWORD: return ch === '@' || ch === '/' || ch === '?' || ch === ':';
      case QUERY_COMPONENT: return true;
      case FRAGMENT: return false;
      default: break;
    }
  }
  if (mode === FRAGMENT && '!()*'.includes(ch)) return false;
  return true;
}

/** net/url unescape: the decoded byte string, or null on a bad escape. */
function unescape(s, mode) {
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      if (i + 2 >= s.length || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) return null;
      if (mode === HOST && unhex(s.charCodeAt(i + 1)) < 8 && s.slice(i, i + 3) !== '%25') return null;
      if (mode === ZONE) {
        const v = (unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2));
        if (s.slice(i, i + 3) !== '%25' && v !== 0x20 && shouldEscape(v, HOST)) return null;
      }
      i += 3;
    } else {
      if ((mode === HOST || mode === ZONE) && c < 0x80 && shouldEscape(c, mode)) return null;
      i++;
    }
  }
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      out += String.fromCharCode((unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2)));
      i += 2;
    } else if (c === 0x2b) {
      out += mode === QUERY_COMPONENT ? ' ' : '+';
    } else {
      out += s[i];
    }
  }
  return out;
}

const UPPERHEX = '0123456789ABCDEF';

/** net/url escape. */
function escape(s, mode) {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 && mode === QUERY_COMPONENT) out += '+';
    else if (shouldEscape(c, mode)) out += '%' + UPPERHEX[c >> 4] + UPPERHEX[c & 15];
    else out += s[i];
  }
  return out;
}

function validEncoded(s, mode) {
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if ('!$&\'()*+,;=:@[]%'.includes(ch)) continue;
    if (shouldEscape(s.charCodeAt(i), mode)) return false;
  }
  return true;
}

function validOptionalPort(port) {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  for (let i = 1; i < port.length; i++) if (port[i] < '0' || port[i] > '9') return false;
  return true;
}

// An approximation of netip.ParseAddr for bracketed hosts: an IPv6
// address (optionally with an embedded IPv4 tail and a zone). Browsers
// never give us such hosts in a form Go would read differently.
function looksIPv6(h) {
  const zone = h.indexOf('%');
  const addr = zone >= 0 ? h.slice(0, zone) : h;
  if (zone >= 0 && zone === h.length - 1) return false;
  if (!/^[0-9A-Fa-f:.]+$/.test(addr) || !addr.includes(':')) return false;
  const dbl = addr.split('::');
  if (dbl.length > 2) return false;
  const groups = (x) => (x === '' ? [] : x.split(':'));
  const parts = [...groups(dbl[0]), ...(dbl.length === 2 ? groups(dbl[1]) : [])];
  let n = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i === parts.length - 1 && p.includes('.')) {
      const o = p.split('.');
      if (o.length !== 4 || !o.every((x) => /^(0|[1-9][0-9]{0,2})$/.test(x) && Number(x) <= 255)) return false;
      n += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(p)) {
      n += 1;
    } else {
      return false;
    }
  }
  return dbl.length === 2 ? n < 8 : n === 8;
}

function parseHost(scheme, host) {
  const open = host.lastIndexOf('[');
  if (open > 0) return null;
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) return null;
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return null;
    const port = unescape(colonPort, HOST);
    if (port === null) return null;
    const name = host.slice(1, close);
    let unesc;
    const zi = name.indexOf('%25');
    if (zi >= 0) {
      const a = unescape(name.slice(0, zi), HOST);
      const z = unescape(name.slice(zi), ZONE);
      if (a === null || z === null) return null;
      unesc = a + z;
    } else {
      unesc = unescape(name, HOST);
      if (unesc === null) return null;
    }
    if (!looksIPv6(unesc)) return null;
    return '[' + unesc + ']' + port;
  }
  let i = host.indexOf(':');
  if (i !== -1) {
    const last = host.lastIndexOf(':');
    // Go 1.26 (urlstrictcolons): http and https hosts keep the first colon.
    if (last !== i && scheme !== 'http' && scheme !== 'https') i = last;
    if (!validOptionalPort(host.slice(i))) return null;
  }
  return unescape(host, HOST);
}

function validUserinfo(s) {
  for (const ch of s) {
    if (/[A-Za-z0-9]/.test(ch)) continue;
    if ("-._:~!$&'()*+,;=%@".includes(ch)) continue;
    return false;
  }
  return true;
}

function parseAuthority(scheme, authority) {
  const i = authority.lastIndexOf('@');
  const host = parseHost(scheme, i < 0 ? authority : authority.slice(i + 1));
  if (host === null) return null;
  if (i >= 0) {
    const ui = authority.slice(0, i);
    if (!validUserinfo(ui)) return null;
    const parts = ui.includes(':') ? [ui.slice(0, ui.indexOf(':')), ui.slice(ui.indexOf(':') + 1)] : [ui];
    for (const p of parts) if (unescape(p, USER_PASSWORD) === null) return null;
  }
  return host;
}

function getScheme(raw) {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) return null;
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

/** net/url parse (not via request), on a byte string without its fragment. */
function parse(raw) {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return null;
  }
  const u = { scheme: '', opaque: '', host: '', path: '', rawPath: '', rawQuery: '' };
  if (raw === '*') {
    u.path = '*';
    return u;
  }
  const sc = getScheme(raw);
  if (!sc) return null;
  u.scheme = sc.scheme.toLowerCase();
  let rest = sc.rest;
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    const seg = rest.split('/')[0];
    if (seg.includes(':')) return null;
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const i = authority.indexOf('/');
    if (i >= 0) {
      rest = authority.slice(i);
      authority = authority.slice(0, i);
    }
    const host = parseAuthority(u.scheme, authority);
    if (host === null) return null;
    u.host = host;
  }
  const path = unescape(rest, PATH);
  if (path === null) return null;
  u.path = path;
  u.rawPath = escape(path, PATH) === rest ? '' : rest;
  return u;
}

function escapedPath(u) {
  if (u.rawPath !== '' && validEncoded(u.rawPath, PATH)) {
    const p = unescape(u.rawPath, PATH);
    if (p !== null && p === u.path) return u.rawPath;
  }
  if (u.path === '*') return '*';
  return escape(u.path, PATH);
}

function splitHostPort(hostPort) {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}

/** url.ParseQuery: [key, [values...]] in first-seen key order (byte strings). */
function parseQuery(q) {
  const m = new Map();
  if (q.split('&').length > MAX_QUERY_PARAMS) return m;
  for (const pair of q.split('&')) {
    if (pair.includes(';') || pair === '') continue;
    const eq = pair.indexOf('=');
    const k = unescape(eq < 0 ? pair : pair.slice(0, eq), QUERY_COMPONENT);
    if (k === null) continue;
    const v = unescape(eq < 0 ? '' : pair.slice(eq + 1), QUERY_COMPONENT);
    if (v === null) continue;
    if (!m.has(k)) m.set(k, []);
    m.get(k).push(v);
  }
  return m;
}

/** Go's strings.ToLower on a byte string (Unicode simple lower case; invalid UTF-8 becomes U+FFFD). */
export function goLower(bs) {
  if (!/[\u0080-\u00ff]/.test(bs)) return bs.toLowerCase();
  // Decode like Go: each invalid byte is one U+FFFD.
  let out = '';
  for (const ch of goRunes(bs)) {
    let l = ch.toLowerCase();
    if ([...l].length !== 1) l = [...l][0]; // U+0130: Go maps it to "i"
    out += l;
  }
  return toBytes(out);
}

function goRunes(bs) {
  const out = [];
  for (let i = 0; i < bs.length;) {
    const c = bs.charCodeAt(i);
    let n = 0;
    if (c < 0x80) n = 1;
    else if (c >= 0xc2 && c <= 0xdf) n = 2;
    else if (c >= 0xe0 && c <= 0xef) n = 3;
    else if (c >= 0xf0 && c <= 0xf4) n = 4;
    let ok = n > 0 && i + n <= bs.length;
    for (let j = 1; ok && j < n; j++) {
      const b = bs.charCodeAt(i + j);
      let lo = 0x80;
      let hi = 0xbf;
      if (j === 1 && c === 0xe0) lo = 0xa0;
      if (j === 1 && c === 0xed) hi = 0x9f;
      if (j === 1 && c === 0xf0) lo = 0x90;
      if (j === 1 && c === 0xf4) hi = 0x8f;
      if (b < lo || b > hi) ok = false;
    }
    if (!ok) {
      out.push('\ufffd');
      i += 1;
    } else {
      out.push(fromBytes(bs.slice(i, i + n)));
      i += n;
    }
  }
  return out;
}

// Go's unicode.IsSpace, for strings.TrimSpace.
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/**
 * Compiles a policy document (GET /v1/policy) for the collector. Throws
 * when a rule cannot be applied exactly as the server applies it, so the
 * collector fails closed (collects nothing) rather than scrub differently.
 */
export function compilePolicy(doc) {
  if (!doc || typeof doc !== 'object' || !doc.scrub || !Array.isArray(doc.scrub.segment_rules)) throw new Error('policy: no scrub rules');
  const rules = doc.scrub.segment_rules.map((r) => {
    const minLength = Number.isInteger(r.min_length) ? r.min_length : 0;
    const replacement = toBytes(String(r.replacement ?? ''));
    if (r.builtin) {
      if (r.builtin !== 'token' || r.pattern) throw new Error(`policy: unknown builtin rule ${r.builtin}`);
      return { name: r.name, token: true, minLength, replacement };
    }
    if (typeof r.pattern !== 'string' || r.pattern === '') throw new Error(`policy: rule ${r.name} has no pattern`);
    if (r.pattern.includes('(?') && !r.pattern.includes('(?:')) throw new Error(`policy: rule ${r.name} uses inline flags`);
    return { name: r.name, re: new RegExp(r.pattern, r.case_insensitive ? 'iu' : 'u'), minLength, replacement };
  });
  const sensitive = [];
  const cats = [...SENSITIVE_ORDER, ...Object.keys(doc.sensitive || {}).filter((c) => !SENSITIVE_ORDER.includes(c))];
  for (const c of cats) {
    for (const d of (doc.sensitive && doc.sensitive[c]) || []) sensitive.push([c, domainPattern(d)]);
  }
  return {
    doc,
    allowlist: (doc.scrub.query_allowlist || []).map((k) => String(k)),
    maxLength: Number.isInteger(doc.scrub.max_url_length) ? doc.scrub.max_url_length : 0,
    rules,
    sensitive,
  };
}

/** A sensitive-list entry ("chase.com", "*.gov") as the domain it stands for. */
export function domainPattern(d) {
  return String(d).toLowerCase().replace(/^\*\./, '');
}

/** Whether host is the domain d or one of its subdomains. */
export function hostMatches(host, d) {
  const h = String(host).toLowerCase().replace(/\.$/, '');
  return d !== '' && (h === d || h.endsWith('.' + d));
}

/** policy.SensitiveCategory: the category of a host never collected, or "". */
export function sensitiveCategory(cp, host) {
  for (const [c, d] of cp.sensitive) if (hostMatches(host, d)) return c;
  return '';
}

/** looksLikeToken of scrub.go, on a byte string. */
export function looksLikeToken(seg) {
  for (const part of seg.split(/[-.~]/)) {
    if (part.length < 16) continue;
    let letter = false;
    let digit = false;
    let ok = true;
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      if (c >= 0x30 && c <= 0x39) digit = true;
      else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) letter = true;
      else if (c !== 0x5f) ok = false;
    }
    if (ok && letter && digit) return true;
  }
  return false;
}

/** policy.ScrubSegment on a decoded byte string: the replacement, or seg itself. */
export function scrubSegment(cp, seg) {
  let text = null;
  for (const r of cp.rules) {
    if (seg.length < r.minLength) continue;
    if (r.token) {
      if (looksLikeToken(seg)) return r.replacement;
      continue;
    }
    if (text === null) text = fromBytes(seg);
    if (r.re.test(text)) return r.replacement;
  }
  return seg;
}

/**
 * policy.ScrubURL: {ok: true, url} with the scrubbed URL, or {ok: false,
 * notCollectable, reason}. notCollectable: sensitive site or not an http(s)
 * page; otherwise the URL cannot be read (or is too long once scrubbed).
 */
export function scrubURL(cp, raw) {
  const s = toBytes(String(raw).replace(GO_SPACE, ''));
  const hash = s.indexOf('#');
  const u = parse(hash < 0 ? s : s.slice(0, hash));
  if (!u) return { ok: false, notCollectable: false, reason: 'not a URL' };
  if (hash >= 0 && hash < s.length - 1 && unescape(s.slice(hash + 1), FRAGMENT) === null) return { ok: false, notCollectable: false, reason: 'not a URL' };
  if (u.scheme !== 'http' && u.scheme !== 'https') return { ok: false, notCollectable: true, reason: 'only http and https pages are collected' };
  const hp = splitHostPort(u.host);
  const host = goLower(hp.host);
  if (host === '') return { ok: false, notCollectable: false, reason: 'URL has no host' };
  const cat = sensitiveCategory(cp, fromBytes(host));
  if (cat) return { ok: false, notCollectable: true, reason: `sensitive site (${cat})` };
  let outHost = host;
  if (hp.port !== '' && !(u.scheme === 'http' && hp.port === '80') && !(u.scheme === 'https' && hp.port === '443')) outHost = host + ':' + hp.port;

  const segs = escapedPath(u).split('/');
  for (let i = 0; i < segs.length; i++) {
    const sg = segs[i];
    if (sg === '') continue;
    let d = unescape(sg, PATH_SEGMENT);
    if (d === null) d = sg;
    const r = scrubSegment(cp, d);
    if (r !== d) segs[i] = r;
  }
  let path = segs.join('/');
  if (path === '') path = '/';
  const out = { path: unescape(path, PATH_SEGMENT) ?? '', rawPath: path };

  const q = parseQuery(u.rawQuery);
  const keep = [...q.keys()].filter((k) => cp.allowlist.includes(fromBytes(goLower(k)))).sort();
  const parts = [];
  for (const k of keep) for (const v of q.get(k)) parts.push(escape(k, QUERY_COMPONENT) + '=' + escape(v, QUERY_COMPONENT));
  const rawQuery = parts.join('&');

  let str = u.scheme + ':';
  if (outHost !== '' || out.path !== '') str += '//';
  str += escape(outHost, HOST);
  const p = escapedPath(out);
  if (p !== '' && p[0] !== '/' && outHost !== '') str += '/';
  str += p;
  if (rawQuery !== '') str += '?' + rawQuery;
  if (cp.maxLength > 0 && str.length > cp.maxLength) return { ok: false, notCollectable: false, reason: 'URL longer than the policy allows after scrubbing' };
  return { ok: true, url: fromBytes(str) };
}
