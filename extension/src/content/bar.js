// The comparison bar: a host element fixed to the bottom (or, in the
// "top" placement variant, the top) of the viewport (it covers, never
// pushes, the page: no layout jump) holding a CLOSED shadow root, so the
// page can neither style nor read it. Keyboard: every control is a real
// button, link or <details> summary; Escape closes the bar. Text from the
// server (titles, store name) is only ever set as textContent.

import { api as ext, send, t } from '../ext.js';
import { formatMoney, parseTarget, suggestTarget } from '../shared/money.js';
import { sparkline } from '../shared/sparkline.js';
import { safeLink } from '../shared/host.js';
import { dealWording, normalizeDisplay } from '../shared/display.js';

const SVG = 'http://www.w3.org/2000/svg';

const CSS = `
:host { all: initial; }
.bar { position: fixed; left: 50%; bottom: 16px; transform: translateX(-50%); z-index: 2147483647;
  box-sizing: border-box; width: min(720px, calc(100vw - 24px)); display: grid; gap: 8px 16px;
  grid-template-columns: minmax(0, 1fr) auto auto; grid-template-areas: "main spark corner" "actions actions actions" "reco reco reco";
  padding: 12px 12px 12px 16px; background: #ffffff; color: #1d2733; border: 1px solid #c9d3dd; border-radius: 12px;
  box-shadow: 0 6px 24px rgba(16, 30, 45, .18); font: 14px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif; text-align: left; }
.main { grid-area: main; min-width: 0; }
.corner { grid-area: corner; display: flex; align-items: flex-start; gap: 2px; }
.headline { font-size: 12px; color: #4a5a6b; margin: 0 0 2px; }
.row { display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; }
.price { font-size: 20px; font-weight: 700; color: #0f1a24; }
.deal { font-weight: 600; }
.deal.cheaper { color: #0b6b3a; }
.deal.dearer { color: #8a4b00; }
.deal.same { color: #4a5a6b; }
.note { font-size: 12px; color: #4a5a6b; }
.spark { grid-area: spark; display: flex; flex-direction: column; align-items: flex-end; gap: 2px; }
.spark svg { display: block; }
.spark .lows { font-size: 11px; color: #4a5a6b; white-space: nowrap; }
.actions { grid-area: actions; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.actions .btn.primary { margin-left: auto; }
button, a.btn { font: inherit; font-size: 13px; border-radius: 8px; padding: 6px 10px; cursor: pointer; text-decoration: none;
  border: 1px solid #9fb0c1; background: #f5f8fb; color: #1d2733; white-space: nowrap; }
a.btn.primary { background: #0a5c8a; border-color: #0a5c8a; color: #fff; }
button:hover, a.btn:hover { filter: brightness(.96); }
button:focus-visible, a.btn:focus-visible, input:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
button.icon { border: none; background: transparent; font-size: 18px; line-height: 1; padding: 4px 6px; color: #4a5a6b; }
.watchform { display: flex; gap: 6px; align-items: center; margin-top: 6px; flex-wrap: wrap; }
.watchform input { font: inherit; width: 7em; padding: 4px 6px; border: 1px solid #9fb0c1; border-radius: 6px; }
.status { font-size: 12px; color: #0b6b3a; min-height: 1em; }
.status.error { color: #a01c1c; }
.more { position: relative; }
.bar.top { top: 16px; bottom: auto; }
.spark button.link { border: none; background: transparent; padding: 2px 0; font-size: 12px; color: #0a5c8a; text-decoration: underline; }
.reco { grid-area: reco; border-top: 1px solid #dde4eb; padding-top: 6px; font-size: 13px; }
.reco summary { cursor: pointer; color: #4a5a6b; font-size: 12px; }
.reco summary:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.reco ul { list-style: none; margin: 6px 0 0; padding: 0; display: grid; gap: 4px; }
.reco li { display: flex; gap: 8px; align-items: baseline; min-width: 0; }
.reco .title { flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: #0a5c8a; }
.reco .rprice { flex: none; font-weight: 600; }
.hidden { display: none !important; }
@media (max-width: 560px) { .bar { grid-template-columns: minmax(0, 1fr) auto; grid-template-areas: "main corner" "actions actions" "reco reco"; } .spark { display: none; } }
@media (prefers-color-scheme: dark) {
  .bar { background: #16202b; color: #e8eef4; border-color: #3a4a5a; }
  .price { color: #fff; } .headline, .note, .spark .lows, .deal.same { color: #a9b8c7; }
  .deal.cheaper { color: #5fd39a; } .deal.dearer { color: #f0b45a; }
  button, a.btn { background: #22303e; color: #e8eef4; border-color: #4a5d70; }
  button.icon { color: #a9b8c7; background: transparent; }
  .reco { border-color: #3a4a5a; } .reco summary { color: #a9b8c7; } .reco .title, .spark button.link { color: #7cc4f0; }
}
`;

function el(tag, attrs = {}, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') n.className = v;
    else if (k === 'text') n.textContent = v;
    else n.setAttribute(k, v);
  }
  for (const c of children) if (c) n.append(c);
  return n;
}

/** The sparkline as inline SVG, with a text alternative. */
function sparkSVG(points, label) {
  const sp = sparkline(points, { width: 120, height: 32, pad: 3 });
  if (!sp) return null;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', '120');
  svg.setAttribute('height', '32');
  svg.setAttribute('viewBox', '0 0 120 32');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const title = document.createElementNS(SVG, 'title');
  title.textContent = label;
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', sp.path);
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', '#0a5c8a');
  path.setAttribute('stroke-width', '2');
  path.setAttribute('stroke-linejoin', 'round');
  const last = sp.points[sp.points.length - 1];
  const dot = document.createElementNS(SVG, 'circle');
  dot.setAttribute('cx', String(last.x));
  dot.setAttribute('cy', String(last.y));
  dot.setAttribute('r', '2.5');
  dot.setAttribute('fill', '#0a5c8a');
  svg.append(title, path, dot);
  return svg;
}

let current = null; // {hostEl, bar, money}

/** Removes the bar, if shown. */
export function closeBar() {
  if (current) {
    current.hostEl.remove();
    current = null;
  }
}

/**
 * Shows the bar for a compare view (shared/compare-view.js). host is the
 * page's host name (for "hide on this site"); display is the bar's display
 * (shared/display.js: wording, placement, history shown or behind a
 * click); onStoreLink is called when the shopper follows the link to the
 * store (the panel's comparison_clicked).
 */
export function showBar(view, { host, display = null, onStoreLink = null }) {
  closeBar();
  const disp = normalizeDisplay(display);
  const lang = ext.i18n.getUILanguage();
  const money = (m) => formatMoney(m, lang);
  const store = view.store || t('storeFallbackName');

  const hostEl = document.createElement('div');
  hostEl.setAttribute('data-vitrine', 'bar');
  // The host takes no space in the page; the bar inside is position: fixed.
  hostEl.style.cssText = 'all: initial; position: fixed; width: 0; height: 0; overflow: visible; z-index: 2147483647;';
  const root = hostEl.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = CSS;

  const headline = el('p', { class: 'headline', text: t(view.headlineKey, [store]), 'data-role': 'headline' });
  const price = el('span', { class: 'price', text: money(view.price), 'data-role': 'store-price' });
  const w = dealWording(view, disp.bar_wording, { money, store });
  const deal = w ? el('span', { class: `deal ${w.kind}`, 'data-role': 'deal', text: t(w.key, w.args) }) : null;
  const row = el('div', { class: 'row' }, price, deal);
  const notes = [];
  if (view.strength !== 'exact') notes.push(t('barWeakMatchNote'));
  if (view.converted) notes.push(t('barConvertedNote'));
  const note = notes.length ? el('div', { class: 'note', text: notes.join(' ') }) : null;
  const statusEl = el('div', { class: 'status', role: 'status', 'aria-live': 'polite' });

  // Watch price: an inline form with an editable target.
  const target = suggestTarget(view.price);
  const input = el('input', { type: 'text', inputmode: 'decimal', id: 'target', value: target ? target.amount : '', 'aria-label': t('barWatchTargetLabel', [view.price.currency]) });
  const save = el('button', { type: 'submit', text: t('barWatchSave') });
  const cancel = el('button', { type: 'button', text: t('barCancel') });
  const form = el('form', { class: 'watchform hidden' }, el('label', { for: 'target', text: t('barWatchTarget', [view.price.currency]) }), input, save, cancel);
  const main = el('div', { class: 'main' }, headline, row, note, form, statusEl);

  let spark = null;
  if (view.history && view.history.points.length > 0) {
    const lows = [];
    if (view.history.low30) lows.push(t('barLow30', [money(view.history.low30)]));
    if (view.history.allTimeLow) lows.push(t('barAllTimeLow', [money(view.history.allTimeLow)]));
    const svg = sparkSVG(view.history.points, t('barHistoryLabel', [lows.join(', ') || money(view.price)]));
    if (svg) {
      const chart = el('div', { class: 'spark', 'data-role': 'sparkline', id: 'vitrine-history' }, svg, lows.length ? el('div', { class: 'lows', text: lows.join(' · ') }) : null);
      if (disp.show_history === 'no') {
        // The same history, folded behind a click.
        chart.classList.add('hidden');
        const toggle = el('button', { type: 'button', class: 'link', text: t('barHistoryShow'), 'aria-expanded': 'false', 'aria-controls': 'vitrine-history', 'data-role': 'history-toggle' });
        toggle.addEventListener('click', () => {
          const open = chart.classList.toggle('hidden') === false;
          toggle.setAttribute('aria-expanded', String(open));
          toggle.textContent = t(open ? 'barHistoryHide' : 'barHistoryShow');
        });
        spark = el('div', { class: 'spark' }, toggle, chart);
      } else {
        spark = chart;
      }
    }
  }

  const watchBtn = el('button', { type: 'button', text: t('barWatch'), 'data-role': 'watch' });
  const listBtn = el('button', { type: 'button', text: t('barAddToList'), 'data-role': 'add-to-list' });
  const link = safeLink(view.link);
  const viewBtn = link ? el('a', { class: 'btn primary', href: link, target: '_blank', rel: 'noopener noreferrer', text: t('barViewAt', [store]), 'data-role': 'store-link' }) : null;
  const hideSite = el('button', { type: 'button', class: 'icon', title: t('barHideSite', [host]), 'aria-label': t('barHideSite', [host]), text: '⊘', 'data-role': 'hide-site' });
  const close = el('button', { type: 'button', class: 'icon', title: t('barClose'), 'aria-label': t('barClose'), text: '×', 'data-role': 'close' });
  const actions = el('div', { class: 'actions' }, watchBtn, listBtn, viewBtn);
  const corner = el('div', { class: 'corner' }, hideSite, close);

  const bar = el('section', { class: `bar ${disp.bar_placement === 'top' ? 'top' : 'bottom'}`, role: 'region', 'aria-label': t('barRegionLabel', [store]), 'data-role': 'bar', 'data-placement': disp.bar_placement, 'data-wording': disp.bar_wording, 'data-history': disp.show_history }, main, spark, actions, corner);
  root.append(style, bar);

  const say = (msg, error = false) => {
    statusEl.textContent = msg;
    statusEl.classList.toggle('error', error);
  };

  watchBtn.addEventListener('click', () => {
    form.classList.remove('hidden');
    input.focus();
    input.select();
  });
  cancel.addEventListener('click', () => {
    form.classList.add('hidden');
    watchBtn.focus();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const tp = parseTarget(input.value, view.price.currency);
    if (!tp) {
      say(t('barWatchBadTarget'), true);
      input.focus();
      return;
    }
    save.disabled = true;
    try {
      await send('watch', { product_id: view.productId, target_price: tp });
      form.classList.add('hidden');
      watchBtn.textContent = t('barWatching');
      watchBtn.disabled = true;
      say(t('barWatchDone', [money(tp)]));
    } catch (err) {
      say(t('barActionFailed', [err.message]), true);
    } finally {
      save.disabled = false;
    }
  });
  listBtn.addEventListener('click', async () => {
    listBtn.disabled = true;
    try {
      const r = await send('addToList', { product_id: view.productId });
      listBtn.textContent = t('barAdded');
      say(t('barAddedTo', [r.list.name]));
    } catch (err) {
      listBtn.disabled = false;
      say(t('barActionFailed', [err.message]), true);
    }
  });
  if (viewBtn && onStoreLink) {
    viewBtn.addEventListener('click', () => onStoreLink());
    viewBtn.addEventListener('auxclick', (e) => {
      if (e.button === 1) onStoreLink();
    });
  }
  close.addEventListener('click', closeBar);
  hideSite.addEventListener('click', async () => {
    try {
      await send('dismissSite', { domain: host });
    } finally {
      closeBar();
    }
  });
  bar.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      closeBar();
    }
  });

  (document.body || document.documentElement).append(hostEl);
  current = { hostEl, bar, money };
  return hostEl;
}

/**
 * Adds "Shoppers who viewed this next looked at:" to the bar shown: a
 * folded row (a <details>) with each store product's title (a link to it,
 * when the server gave an http(s) link), and price. Nothing is added for
 * an empty list or when no bar is shown. Returns the number shown.
 */
export function showRecommendations(items) {
  if (!current || !Array.isArray(items) || items.length === 0) return 0;
  const { bar, money } = current;
  bar.querySelector('.reco')?.remove();
  const list = el('ul', {});
  items.forEach((it, i) => {
    const link = safeLink(it.link);
    const title = link
      ? el('a', { class: 'title', href: link, target: '_blank', rel: 'noopener noreferrer', text: it.title, title: it.title, 'data-role': `reco-title-${i}` })
      : el('span', { class: 'title', text: it.title, title: it.title, 'data-role': `reco-title-${i}` });
    list.append(el('li', { 'data-role': `reco-item-${i}` }, title, el('span', { class: 'rprice', text: money(it.price), 'data-role': `reco-price-${i}` })));
  });
  const summary = el('summary', { 'data-role': 'reco-toggle' }, el('span', { text: t('barRecoHeading') }), el('span', { class: 'note', text: ` (${items.length})` }));
  const row = el('details', { class: 'reco', 'data-role': 'reco' }, summary, list);
  bar.append(row);
  return items.length;
}
