// What the panel may collect, and the events it sends: consent gating,
// the never-collected checks, and the shape of each event. Pure functions
// (the policy, consent and lists are passed in), shared by the content
// script (which builds the payloads) and the background (which checks them
// again before anything is queued).

import { domainPattern, hostMatches, scrubURL, sensitiveCategory } from './scrub.js';

/** The consent scope each event type needs. */
export const SCOPE_OF = Object.freeze({
  page_view: 'page_views',
  link_click: 'link_clicks',
  product_view: 'product_views',
  comparison_shown: 'product_views',
  comparison_clicked: 'product_views',
});

export const SCOPES = ['page_views', 'link_clicks', 'product_views'];

// Product facts a product_view carries: those the notice lists (no image
// address, no description).
const PRODUCT_FACTS = ['title', 'brand', 'gtin', 'mpn', 'sku', 'price', 'currency', 'availability', 'condition'];

/** The scopes under which events may be collected now ([] unless joined and not paused). */
export function activeScopes(panel) {
  if (!panel || panel.member !== true || panel.paused === true || panel.pending === 'withdraw') return [];
  return (Array.isArray(panel.scopes) ? panel.scopes : []).filter((s) => SCOPES.includes(s));
}

/** Whether an event of this type may be collected under this consent. */
export function mayCollect(panel, type) {
  const scope = SCOPE_OF[type];
  return Boolean(scope) && activeScopes(panel).includes(scope);
}

/** A shopper-typed domain for the "never collect" list: a host name, or null. */
export function normalizeUserDomain(input) {
  let s = String(input || '').trim().toLowerCase();
  if (s === '') return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(s)) {
    try {
      s = new URL(s).hostname;
    } catch {
      return null;
    }
  }
  s = s.replace(/^\*\./, '').replace(/\.$/, '').replace(/^www\./, '');
  if (!/^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(s)) return null;
  return s;
}

/**
 * Why a host is never collected: 'sensitive:<category>' (the policy's
 * list), 'user_list' (the shopper's own list), 'own_site' (the store's
 * domains), or '' when it may be.
 */
export function blockedReason(host, ctx) {
  const h = String(host || '').toLowerCase().replace(/\.$/, '');
  if (h === '') return 'no_host';
  const cat = sensitiveCategory(ctx.cp, h);
  if (cat) return `sensitive:${cat}`;
  if ((ctx.userSensitive || []).some((d) => hostMatches(h, domainPattern(d)))) return 'user_list';
  if ((ctx.ownDomains || []).some((d) => hostMatches(h, domainPattern(d)))) return 'own_site';
  return '';
}

/**
 * A page or link address as the panel sends it: {ok: true, url} scrubbed
 * by the policy, or {ok: false, reason} when it is never collected.
 */
export function collectURL(raw, ctx) {
  const s = scrubURL(ctx.cp, raw);
  if (!s.ok) return { ok: false, reason: s.notCollectable ? 'not_collectable' : 'invalid' };
  let host;
  try {
    host = new URL(s.url).hostname;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const why = blockedReason(host.replace(/^\[|\]$/g, ''), ctx);
  if (why) return { ok: false, reason: why };
  return { ok: true, url: s.url };
}

// The server's validHost: letters, digits, '-' and '_' labels, or an IP address.
function validHost(h) {
  if (h === '' || h.length > 253) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h) || /^[0-9a-f:.]+$/.test(h) && h.includes(':')) return true;
  return h.split('.').every((l) => l.length > 0 && l.length <= 63 && /^[a-z0-9_-]+$/.test(l));
}

/** The referring site's name only (never its address), or '' (none, or never collected). */
export function referrerDomain(referrer, ctx) {
  if (!referrer) return '';
  let u;
  try {
    u = new URL(referrer);
  } catch {
    return '';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return '';
  const h = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (!validHost(h) || blockedReason(h, ctx)) return '';
  return h;
}

/** Whether a click on a link to href leaves the page at pageHref (not an in-page anchor, not a download, http(s) only). */
export function isNavigatingLink(href, pageHref, { download = false } = {}) {
  if (download) return false;
  let to;
  let from;
  try {
    to = new URL(href, pageHref);
    from = new URL(pageHref);
  } catch {
    return false;
  }
  if (to.protocol !== 'http:' && to.protocol !== 'https:') return false;
  to.hash = '';
  from.hash = '';
  return to.href !== from.href;
}

/** The facts a product_view carries, from factsForCompare's output. */
export function productFacts(f) {
  const out = {};
  for (const k of PRODUCT_FACTS) if (typeof f?.[k] === 'string' && f[k] !== '') out[k] = f[k];
  if (out.price && typeof f.price_is_range === 'boolean') out.price_is_range = f.price_is_range;
  if (f?.variants && typeof f.variants === 'object') out.variants = { ...f.variants };
  return out;
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks a payload the content script sent (panelEvent) against consent,
 * the policy and the lists, and builds the event to queue. ctx: {cp,
 * ownDomains, userSensitive, panel, incognito, now (ms), newId (ms) =>
 * uuid}. Returns {event} or {skip: reason}; nothing is built without
 * consent for the event's scope.
 */
export function buildEvent(p, ctx) {
  if (ctx.incognito) return { skip: 'private_window' };
  if (!isPlainObject(p) || !SCOPE_OF[p.type]) return { skip: 'unknown_type' };
  if (!mayCollect(ctx.panel, p.type)) return { skip: 'no_consent' };
  // Addresses must arrive scrubbed exactly as the policy says, of sites that may be collected.
  const same = (u) => {
    const c = collectURL(u, ctx);
    return c.ok && c.url === u ? '' : c.ok ? 'not_scrubbed' : c.reason;
  };
  let body;
  let ts = ctx.now;
  switch (p.type) {
    case 'page_view': {
      const bad = same(p.url);
      if (bad) return { skip: bad };
      const dwell = Number.isInteger(p.dwell_ms) ? Math.min(Math.max(p.dwell_ms, 0), 86_400_000) : 0;
      let ref = typeof p.referrer_domain === 'string' ? p.referrer_domain.toLowerCase() : '';
      if (ref && (!validHost(ref) || blockedReason(ref, ctx))) ref = '';
      ts = ctx.now - dwell; // the visit started dwell ms ago
      body = { url: p.url, referrer_domain: ref, dwell_ms: dwell };
      break;
    }
    case 'link_click': {
      const bad = same(p.from) || same(p.to);
      if (bad) return { skip: bad };
      body = { from: p.from, to: p.to };
      break;
    }
    case 'product_view': {
      const bad = same(p.url);
      if (bad) return { skip: bad };
      const facts = productFacts(p.facts);
      if (!facts.title && !facts.gtin && !facts.mpn && !facts.sku) return { skip: 'no_facts' };
      body = { url: p.url, facts };
      break;
    }
    default: {
      const d = String(p.domain || '').toLowerCase();
      if (!validHost(d)) return { skip: 'invalid' };
      const why = blockedReason(d, ctx);
      if (why) return { skip: why };
      if (typeof p.product_id !== 'string' || p.product_id === '' || p.product_id.length > 200) return { skip: 'invalid' };
      if (typeof p.status !== 'string' || !/^[a-z_]{1,32}$/.test(p.status)) return { skip: 'invalid' };
      body = { domain: d, product_id: p.product_id, status: p.status };
    }
  }
  const t = Math.round(ts);
  return { event: { id: ctx.newId(t), type: p.type, ts: new Date(t).toISOString(), ...body } };
}
