// What the comparison bar says, decided from a /v1/compare answer: a pure
// function, so the wording rules are tested without a browser.

import { absMoney, isMoney } from './money.js';

const STRENGTHS = new Set(['exact', 'likely', 'possible']);

/**
 * Returns null when nothing must be shown (no match, own site, malformed
 * answer), else a view model:
 *   {store, productId, title, link, image, price, strength, headlineKey,
 *    deal: {kind: 'cheaper'|'dearer'|'same'|'none', difference, percent},
 *    converted, history: {points, low30, allTimeLow}}
 * Text is produced later with i18n keys, so the model holds keys and money.
 */
export function compareView(answer) {
  if (!answer || answer.status !== 'match') return null;
  const offer = answer.offer;
  if (!offer || typeof offer.product_id !== 'string' || !isMoney(offer.price)) return null;
  const store = String(answer.store?.name || '').trim();
  const strength = STRENGTHS.has(answer.strength) ? answer.strength : 'possible';
  const view = {
    store,
    productId: offer.product_id,
    title: String(offer.title || ''),
    link: String(offer.link || ''),
    image: String(offer.image_link || ''),
    price: offer.price,
    strength,
    headlineKey: { exact: 'barHeadlineExact', likely: 'barHeadlineLikely', possible: 'barHeadlinePossible' }[strength],
    deal: { kind: 'none', difference: null, percent: '' },
    converted: false,
    history: null,
  };
  const c = answer.comparison;
  if (c && isMoney(c.difference)) {
    const diff = absMoney(c.difference);
    const zero = /^0*(\.0*)?$/.test(diff.amount);
    view.converted = Boolean(c.converted);
    if (c.same_price || zero) view.deal = { kind: 'same', difference: null, percent: '' };
    else if (c.store_is_cheaper) view.deal = { kind: 'cheaper', difference: diff, percent: formatPercent(c.percent) };
    else view.deal = { kind: 'dearer', difference: diff, percent: formatPercent(c.percent) };
  }
  const h = answer.history;
  if (h && Array.isArray(h.points)) {
    view.history = {
      points: h.points.filter((p) => p && isMoney(p.price) && typeof p.at === 'string'),
      low30: isMoney(h.low_30_days) ? h.low_30_days : null,
      allTimeLow: isMoney(h.all_time_low) ? h.all_time_low : null,
    };
  }
  return view;
}

/** "15.5" -> "16", "0.4" -> "<1": whole percents are enough for people. */
export function formatPercent(p) {
  const n = Number(p);
  if (!Number.isFinite(n) || n < 0) return '';
  if (n > 0 && n < 1) return '<1';
  return String(Math.round(n));
}
