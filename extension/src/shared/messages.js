// The message types the background accepts and the shape of their payloads.
// Content scripts may send only the types marked `content: true`; extension
// pages (popup, options, onboarding) may send all of them. A payload with
// unknown keys or wrong types is refused before any handler runs.

const HOST_RE = /^(?=.{1,253}$)[a-z0-9-]+(\.[a-z0-9-]+)*\.?$|^\[?[0-9a-f:.]+\]?$/i;
const FACT_KEYS = ['title', 'brand', 'gtin', 'mpn', 'sku', 'price', 'currency', 'availability', 'condition', 'image'];
const MAX_FACT = 1000;

const isPlain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStr = (v, max = MAX_FACT) => typeof v === 'string' && v.length > 0 && v.length <= max;
const isId = (v) => typeof v === 'string' && /^[A-Za-z0-9_.:-]{1,128}$/.test(v);
const isMoneyShape = (m) => isPlain(m) && typeof m.amount === 'string' && /^\d{1,12}(\.\d{1,4})?$/.test(m.amount) && typeof m.currency === 'string' && /^[A-Z]{3}$/.test(m.currency) && Object.keys(m).length === 2;

function onlyKeys(p, allowed) {
  return isPlain(p) && Object.keys(p).every((k) => allowed.includes(k));
}

function validFacts(f) {
  if (!isPlain(f)) return false;
  for (const [k, v] of Object.entries(f)) {
    if (FACT_KEYS.includes(k)) {
      if (!isStr(v)) return false;
    } else if (k === 'price_is_range') {
      if (typeof v !== 'boolean') return false;
    } else if (k === 'variants') {
      if (!isPlain(v) || Object.keys(v).length > 10) return false;
      if (!Object.entries(v).every(([vk, vv]) => isStr(vk, 50) && isStr(vv, 200))) return false;
    } else {
      return false;
    }
  }
  return isStr(f.title) || isStr(f.gtin) || isStr(f.mpn) || isStr(f.sku);
}

const SCOPES = ['page_views', 'link_clicks', 'product_views'];
const isURL = (v) => typeof v === 'string' && v.length > 0 && v.length <= 2048 && /^https?:\/\//.test(v);
const isHostOrEmpty = (v) => v === '' || (typeof v === 'string' && v.length <= 253 && HOST_RE.test(v));

/** A panel event from a content script: one of five shapes, URLs already scrubbed (the background checks that again). */
function validPanelEvent(p) {
  if (!isPlain(p)) return false;
  switch (p.type) {
    case 'page_view':
      return onlyKeys(p, ['type', 'url', 'referrer_domain', 'dwell_ms']) && isURL(p.url) && isHostOrEmpty(p.referrer_domain) && Number.isInteger(p.dwell_ms) && p.dwell_ms >= 0 && p.dwell_ms <= 86400000;
    case 'link_click':
      return onlyKeys(p, ['type', 'from', 'to']) && isURL(p.from) && isURL(p.to);
    case 'product_view':
      return onlyKeys(p, ['type', 'url', 'facts']) && isURL(p.url) && validFacts(p.facts);
    case 'comparison_shown':
    case 'comparison_clicked':
      return onlyKeys(p, ['type', 'domain', 'product_id', 'status']) && typeof p.domain === 'string' && HOST_RE.test(p.domain) && isStr(p.product_id, 200) && typeof p.status === 'string' && /^[a-z_]{1,32}$/.test(p.status);
    default:
      return false;
  }
}

/** type -> {content: may content scripts send it?, valid(payload)}. */
export const MESSAGE_TYPES = {
  // From the content script of a product page.
  compare: { content: true, valid: (p) => onlyKeys(p, ['domain', 'facts']) && typeof p.domain === 'string' && HOST_RE.test(p.domain) && validFacts(p.facts) },
  watch: { content: true, valid: (p) => onlyKeys(p, ['product_id', 'target_price']) && isId(p.product_id) && isMoneyShape(p.target_price) },
  addToList: { content: true, valid: (p) => onlyKeys(p, ['product_id']) && isId(p.product_id) },
  dismissSite: { content: true, valid: (p) => onlyKeys(p, ['domain']) && typeof p.domain === 'string' && HOST_RE.test(p.domain) },
  openOptions: { content: true, valid: (p) => onlyKeys(p, []) },
  // After a match is shown: recommendations for the store's product (the background accepts only ids it matched this session).
  recommend: { content: true, valid: (p) => onlyKeys(p, ['product_id']) && isId(p.product_id) },
  panelEvent: { content: true, valid: validPanelEvent },
  // From extension pages only.
  getState: { content: false, valid: (p) => onlyKeys(p, []) },
  listWatches: { content: false, valid: (p) => onlyKeys(p, []) },
  unwatch: { content: false, valid: (p) => onlyKeys(p, ['id']) && isId(p.id) },
  listLists: { content: false, valid: (p) => onlyKeys(p, []) },
  removeFromList: { content: false, valid: (p) => onlyKeys(p, ['list_id', 'product_id']) && isId(p.list_id) && isId(p.product_id) },
  setServer: { content: false, valid: (p) => onlyKeys(p, ['serverUrl']) && typeof p.serverUrl === 'string' && p.serverUrl.length <= 2048 },
  register: { content: false, valid: (p) => onlyKeys(p, []) },
  setSettings: { content: false, valid: (p) => onlyKeys(p, ['dailyCap', 'alarmMinutes']) && (p.dailyCap === undefined || (Number.isInteger(p.dailyCap) && p.dailyCap >= 0 && p.dailyCap <= 100)) && (p.alarmMinutes === undefined || (typeof p.alarmMinutes === 'number' && p.alarmMinutes >= 0.5 && p.alarmMinutes <= 1440)) },
  undismissSite: { content: false, valid: (p) => onlyKeys(p, ['domain']) && typeof p.domain === 'string' && HOST_RE.test(p.domain) },
  checkAlerts: { content: false, valid: (p) => onlyKeys(p, []) },
  // The Vitrine Panel, rewards and the dashboard: extension pages only.
  panelInfo: { content: false, valid: (p) => onlyKeys(p, ['lang']) && (p.lang === 'en' || p.lang === 'fr') },
  panelJoin: { content: false, valid: (p) => onlyKeys(p, ['scopes', 'notice_version', 'lang']) && Array.isArray(p.scopes) && p.scopes.length <= 3 && p.scopes.every((s) => SCOPES.includes(s)) && new Set(p.scopes).size === p.scopes.length && isStr(p.notice_version, 100) && (p.lang === 'en' || p.lang === 'fr') },
  panelPause: { content: false, valid: (p) => onlyKeys(p, []) },
  panelResume: { content: false, valid: (p) => onlyKeys(p, []) },
  panelLeave: { content: false, valid: (p) => onlyKeys(p, []) },
  panelStatus: { content: false, valid: (p) => onlyKeys(p, []) },
  panelFlush: { content: false, valid: (p) => onlyKeys(p, []) },
  setUserSensitive: { content: false, valid: (p) => onlyKeys(p, ['domains']) && Array.isArray(p.domains) && p.domains.length <= 1000 && p.domains.every((d) => isStr(d, 300)) },
  rewards: { content: false, valid: (p) => onlyKeys(p, []) },
  linkAccount: { content: false, valid: (p) => onlyKeys(p, ['code']) && isStr(p.code, 40) },
  redeem: { content: false, valid: (p) => onlyKeys(p, []) },
  openDashboard: { content: false, valid: (p) => onlyKeys(p, []) },
};
