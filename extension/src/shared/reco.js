// Next-product recommendations ("Shoppers who viewed this next looked
// at"): the browsing session's list of matched store product ids, and the
// checks on the server's answer. Pure functions.

import { isMoney } from './money.js';
import { safeLink } from './host.js';

/** At most this many product ids of the session are kept and sent. */
export const SESSION_MAX = 10;
/** At most this many recommendations are shown. */
export const RECO_MAX = 3;
const TITLE_MAX = 200;

/** A store product id as the extension sends it back to the server (same rule as the messages' isId). */
export const isProductId = (v) => typeof v === 'string' && /^[A-Za-z0-9_.:-]{1,128}$/.test(v);

/**
 * The session list with id as the most recent (moved to the end if it was
 * there already), at most max ids, oldest dropped. Invalid ids are dropped.
 */
export function pushSession(list, id, max = SESSION_MAX) {
  const out = (Array.isArray(list) ? list : []).filter((x) => isProductId(x) && x !== id);
  if (isProductId(id)) out.push(id);
  return out.slice(-max);
}

/**
 * The recommendations to show from a GET /v1/recommendations answer: at
 * most max items {id, title, price, link}, each with a product id, a
 * non-empty title (whitespace collapsed, cut to 200 characters) and a valid
 * price; the link is kept only if it is http(s). Items of the session
 * itself and repeats are left out. The title is text, shown as text.
 */
export function recoItems(answer, { max = RECO_MAX, exclude = [] } = {}) {
  const list = answer && Array.isArray(answer.recommendations) ? answer.recommendations : [];
  const seen = new Set(exclude);
  const out = [];
  for (const r of list) {
    if (out.length >= max) break;
    if (!r || typeof r !== 'object' || !isProductId(r.id) || seen.has(r.id)) continue;
    const title = typeof r.title === 'string' ? r.title.replace(/\s+/g, ' ').trim().slice(0, TITLE_MAX) : '';
    if (!title || !isMoney(r.price)) continue;
    seen.add(r.id);
    out.push({ id: r.id, title, price: { amount: r.price.amount, currency: r.price.currency }, link: safeLink(typeof r.link === 'string' ? r.link : '') });
  }
  return out;
}
