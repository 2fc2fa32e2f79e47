// Host names and server URLs.

/** The host name of a URL, lower case, without a trailing dot; "" if none. */
export function hostOf(url) {
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return '';
  }
}

/** A host name as written by the store config or a page: lower case, no dot at the end, no brackets. */
export function normHost(h) {
  return String(h || '').trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
}

/**
 * Reports whether host belongs to one of the store's own domains: the
 * domain itself or a subdomain of it ("www.shop.example" for "shop.example").
 */
export function isOwnSite(host, domains) {
  const h = normHost(host);
  if (h === '') return false;
  return (domains || []).some((d) => {
    const n = normHost(d);
    return n !== '' && (h === n || h.endsWith('.' + n));
  });
}

/**
 * Checks and normalises a server URL typed by the shopper: http or https,
 * a host, no credentials, query or fragment. Returns {url} (no trailing
 * slash) or {error: i18n key}.
 */
export function parseServerUrl(input) {
  const s = String(input || '').trim();
  let u;
  try {
    u = new URL(s);
  } catch {
    return { error: 'optionsErrorUrl' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { error: 'optionsErrorScheme' };
  if (!u.hostname || u.username || u.password || u.search || u.hash) return { error: 'optionsErrorUrl' };
  const path = u.pathname.replace(/\/+$/, '');
  return { url: `${u.protocol}//${u.host}${path}` };
}

/** The host permission match pattern for a server URL (patterns have no port). */
export function originPattern(serverUrl) {
  const u = new URL(serverUrl);
  return `${u.protocol}//${u.hostname.includes(':') && !u.hostname.startsWith('[') ? `[${u.hostname}]` : u.hostname}/*`;
}

/** Joins the server URL and an API path ("/v1/compare"). */
export function apiUrl(serverUrl, path) {
  return serverUrl.replace(/\/+$/, '') + path;
}

/** Only http(s) links are opened from server data. */
export function safeLink(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : '';
  } catch {
    return '';
  }
}
