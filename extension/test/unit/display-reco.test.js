// Display experiments and recommendations: the wording of every variant
// (honest in both languages: a dearer store is always said to be dearer),
// the bar's placement and folded history in a DOM, the recommendations row
// (server titles are text, never markup), and the background: who takes
// part in the experiments, the assignment cache, exposures only with
// product-views consent, and the recommendations request (store product
// ids of matched products only, no token).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { extDir, repoDir } from '../helpers.js';
import { DEFAULT_DISPLAY, EXPERIMENTS, dealWording, displayFrom, normalizeDisplay } from '../../src/shared/display.js';
import { pushSession, recoItems } from '../../src/shared/reco.js';
import { compareView } from '../../src/shared/compare-view.js';
import { formatMoney } from '../../src/shared/money.js';
import { apiClient } from '../../src/background/api.js';
import { ApiError } from '../../src/background/api.js';
import { createHandlers } from '../../src/background/handlers.js';
import { uuidv7Time } from '../../src/panel/uuid7.js';

const policyDoc = JSON.parse(readFileSync(join(repoDir, 'internal', 'policy', 'policy.json'), 'utf8'));
const messages = (lang) => JSON.parse(readFileSync(join(extDir, 'src', '_locales', lang, 'messages.json'), 'utf8'));

/** chrome.i18n.getMessage over a messages.json ($1..$9 substitutions, $$ for $). */
function i18n(lang) {
  const m = messages(lang);
  return (key, subs = []) => {
    const e = m[key];
    if (!e) return '';
    const s = Array.isArray(subs) ? subs : [subs];
    return e.message.replace(/\$(\$|\d)/g, (_, d) => (d === '$' ? '$' : String(s[Number(d) - 1] ?? '')));
  };
}

const LOCALES = { en: 'en-US', fr: 'fr-FR' };

function answer({ store = '12.00', page = '15.00', currency = 'USD', converted = false } = {}) {
  const s = Math.round(Number(store) * 100);
  const p = Math.round(Number(page) * 100);
  const diff = Math.abs(s - p) / 100;
  return {
    status: 'match', strength: 'exact', store: { name: 'Demo Store', domains: ['127.0.0.1'] },
    offer: { product_id: 'tv-003', title: 'TV', link: 'http://127.0.0.1:8080/shop/products/tv-003', price: { amount: store, currency } },
    comparison: { difference: { amount: (s <= p ? '' : '-') + diff.toFixed(2), currency }, store_is_cheaper: s < p, same_price: s === p, percent: ((Math.abs(s - p) / p) * 100).toFixed(1), converted },
    history: { points: [{ at: '2026-11-01T00:00:00Z', price: { amount: store, currency } }, { at: '2026-11-20T00:00:00Z', price: { amount: store, currency } }] },
  };
}

const render = (view, wording, lang) => {
  const t = i18n(lang);
  const money = (m) => formatMoney(m, LOCALES[lang]);
  const w = dealWording(view, wording, { money, store: 'Demo Store' });
  return w ? { ...w, text: t(w.key, w.args) } : null;
};

test('display: the assignment applies known variants only; everything else is the default bar', () => {
  assert.deepEqual(displayFrom(null), { ...DEFAULT_DISPLAY, applied: {} });
  assert.deepEqual(displayFrom({ bar_wording: 'also_at', bar_placement: 'top', show_history: 'no' }), { bar_wording: 'also_at', bar_placement: 'top', show_history: 'no', applied: { bar_wording: 'also_at', bar_placement: 'top', show_history: 'no' } });
  // An unknown experiment or variant (a newer server) is not applied and no exposure may be logged for it.
  assert.deepEqual(displayFrom({ bar_wording: 'urgent', bar_colour: 'red', bar_placement: 'top' }), { ...DEFAULT_DISPLAY, bar_placement: 'top', applied: { bar_placement: 'top' } });
  assert.deepEqual(normalizeDisplay({ bar_placement: 'middle', bar_wording: 'save', experiment: 'yes' }), { ...DEFAULT_DISPLAY, experiment: false });
  assert.deepEqual(normalizeDisplay(undefined), { ...DEFAULT_DISPLAY, experiment: false });
  // The variants this extension knows are the server's (analytics.DefaultExperiments).
  const goSrc = readFileSync(join(repoDir, 'internal', 'analytics', 'experiments.go'), 'utf8');
  for (const [name, variants] of Object.entries(EXPERIMENTS)) {
    const m = goSrc.match(new RegExp(`Name: "${name}"[\\s\\S]*?Variants: +\\[\\]string\\{([^}]*)\\}`));
    assert.ok(m, `${name} is a server experiment`);
    assert.deepEqual(m[1].match(/"([^"]+)"/g).map((s) => s.slice(1, -1)), [...variants], `${name} variants`);
  }
});

test('wording: cheaper store, per variant and language', () => {
  const v = compareView(answer({ store: '12.00', page: '15.00' }));
  assert.equal(render(v, 'save', 'en').text, 'Save $3.00 (20%) at Demo Store');
  assert.equal(render(v, 'also_at', 'en').text, 'Also at Demo Store for $12.00');
  assert.equal(render(v, 'save', 'fr').text.replace(/\s/g, ' '), 'Économisez 3,00 $US (20 %) chez Demo Store');
  assert.equal(render(v, 'also_at', 'fr').text.replace(/\s/g, ' '), 'Aussi chez Demo Store à 12,00 $US');
  // Converted prices: "Save" needs the same currency, so no variant uses it.
  const conv = compareView(answer({ store: '12.00', page: '15.00', converted: true }));
  for (const w of Object.values(EXPERIMENTS.bar_wording)) assert.equal(render(conv, w, 'en').key, 'barAlsoAt', w);
});

test('honesty: in every wording variant and both languages, a dearer store is said to be dearer, with the difference', () => {
  const dearerWord = { en: /\bdearer\b/, fr: /plus cher/ };
  const saveWord = { en: /\bsave\b/i, fr: /économisez/i };
  for (const converted of [false, true]) {
    const v = compareView(answer({ store: '19.99', page: '15.00', converted }));
    assert.equal(v.deal.kind, 'dearer');
    for (const wording of EXPERIMENTS.bar_wording) {
      for (const lang of ['en', 'fr']) {
        const r = render(v, wording, lang);
        assert.equal(r.kind, 'dearer', `${wording}/${lang}: styled as dearer`);
        assert.match(r.text, dearerWord[lang], `${wording}/${lang}: "${r.text}" says dearer`);
        assert.ok(r.text.includes(formatMoney({ amount: '4.99', currency: 'USD' }, LOCALES[lang])), `${wording}/${lang}: "${r.text}" gives the difference`);
        assert.doesNotMatch(r.text, saveWord[lang], `${wording}/${lang}: never "save" when dearer`);
      }
    }
  }
  // Same price is the same words in every variant; no comparison, no claim.
  const same = compareView(answer({ store: '15.00', page: '15.00' }));
  for (const w of EXPERIMENTS.bar_wording) assert.equal(render(same, w, 'en').text, 'Same price at Demo Store');
  const none = compareView({ ...answer(), comparison: null });
  for (const w of EXPERIMENTS.bar_wording) assert.equal(render(none, w, 'en'), null);
});

test('honesty: no bar string speaks of scarcity, other shoppers looking, countdowns or deadlines', () => {
  const banned = {
    en: /\b(only \d|left in stock|selling fast|hurry|people are (looking|viewing)|ends in|ends soon|today only|last chance|limited time|countdown|expires?)\b/i,
    fr: /(plus que \d|derniers? articles?|vite|dépêchez|personnes (regardent|consultent)|se termine dans|aujourd'hui seulement|dernière chance|durée limitée|compte à rebours|expire)/i,
  };
  for (const lang of ['en', 'fr']) {
    const m = messages(lang);
    const keys = Object.keys(m).filter((k) => k.startsWith('bar'));
    assert.ok(keys.includes('barAlsoAtDearer') && keys.includes('barRecoHeading'));
    for (const k of keys) assert.doesNotMatch(m[k].message, banned[lang], `${lang} ${k}: "${m[k].message}"`);
  }
});

test('reco: the session list keeps the last 10 matched ids, most recent last, without repeats', () => {
  let s = [];
  for (const id of ['a', 'b', 'c', 'a']) s = pushSession(s, id);
  assert.deepEqual(s, ['b', 'c', 'a']);
  for (let i = 0; i < 20; i++) s = pushSession(s, `p${i}`);
  assert.equal(s.length, 10);
  assert.deepEqual(s.slice(-2), ['p18', 'p19']);
  assert.deepEqual(pushSession(['ok', '../x', 'a b'], 'new'), ['ok', 'new'], 'only well-formed ids');
});

test('reco: the answer is checked: at most 3, titles as text, http(s) links only, no session items', () => {
  const usd = (a) => ({ amount: a, currency: 'USD' });
  const ans = { recommendations: [
    { id: 'cur', title: 'The current one', price: usd('1.00'), link: 'http://s/cur' },
    { id: 'x1', title: '  <img src=x onerror=alert(1)>\n Tee ', price: usd('9.99'), link: 'javascript:alert(1)' },
    { id: 'x2', title: '', price: usd('1.00') },
    { id: 'x3', title: 'No price', price: { amount: 'free', currency: 'USD' } },
    { id: 'x4', title: 'Mug', price: usd('5.00'), link: 'https://s/x4' },
    { id: 'x4', title: 'Mug again', price: usd('5.00') },
    { id: 'x5', title: 'T'.repeat(500), price: usd('2.00'), link: 'http://s/x5' },
    { id: 'x6', title: 'Fourth', price: usd('2.00') },
  ] };
  const items = recoItems(ans, { exclude: ['cur'] });
  assert.deepEqual(items.map((i) => i.id), ['x1', 'x4', 'x5']);
  assert.equal(items[0].title, '<img src=x onerror=alert(1)> Tee');
  assert.equal(items[0].link, '', 'a javascript: link is dropped');
  assert.equal(items[2].title.length, 200);
  assert.deepEqual(recoItems(null), []);
  assert.deepEqual(recoItems({ recommendations: 'no' }), []);
});

// --- The bar in a DOM (jsdom), with the real locale files. ---

async function domBar(lang = 'en') {
  const dom = new JSDOM('<!doctype html><html><body><h1>Page</h1></body></html>', { url: 'http://localhost:8080/demo/shop/p/1' });
  const { window } = dom;
  // A closed shadow root is out of reach by design: keep a handle for the test only.
  const roots = [];
  const orig = window.Element.prototype.attachShadow;
  window.Element.prototype.attachShadow = function (init) {
    const r = orig.call(this, init);
    roots.push(r);
    return r;
  };
  globalThis.window = window;
  globalThis.document = window.document;
  const sent = [];
  // ext.js keeps the object it found at import: change it in place for each test.
  globalThis.chrome ??= {};
  Object.assign(globalThis.chrome, {
    i18n: { getMessage: i18n(lang), getUILanguage: () => LOCALES[lang] },
    runtime: { sendMessage: async (m) => (sent.push(m), { ok: true, data: {} }), getURL: (p) => `chrome-extension://x/${p}` },
  });
  const bar = await import('../../src/content/bar.js');
  return { window, roots, bar, sent, root: () => roots.at(-1) };
}

test('bar DOM: placement, wording and history follow the display; the shadow root is closed', async () => {
  const { window, bar, root } = await domBar('en');
  const view = compareView(answer({ store: '12.00', page: '15.00' }));
  const host = bar.showBar(view, { host: 'localhost', display: { bar_wording: 'also_at', bar_placement: 'top', show_history: 'no', experiment: true } });
  assert.equal(host.shadowRoot, null, 'closed');
  const section = root().querySelector('[data-role="bar"]');
  assert.equal(section.dataset.placement, 'top');
  assert.ok(section.classList.contains('top'));
  assert.equal(root().querySelector('[data-role="deal"]').textContent, 'Also at Demo Store for $12.00');
  // History folded behind a click, the same chart once opened.
  const chart = root().querySelector('[data-role="sparkline"]');
  const toggle = root().querySelector('[data-role="history-toggle"]');
  assert.ok(chart.classList.contains('hidden'));
  assert.equal(toggle.getAttribute('aria-expanded'), 'false');
  toggle.click();
  assert.ok(!chart.classList.contains('hidden'));
  assert.equal(toggle.getAttribute('aria-expanded'), 'true');
  assert.equal(toggle.textContent, 'Hide price history');

  // The default display: bottom, "Save", history shown.
  bar.showBar(view, { host: 'localhost' });
  assert.equal(window.document.querySelectorAll('[data-vitrine="bar"]').length, 1, 'one bar at a time');
  const s2 = root().querySelector('[data-role="bar"]');
  assert.equal(s2.dataset.placement, 'bottom');
  assert.ok(s2.classList.contains('bottom'));
  assert.equal(root().querySelector('[data-role="deal"]').textContent, 'Save $3.00 (20%) at Demo Store');
  assert.equal(root().querySelector('[data-role="history-toggle"]'), null);
  assert.ok(!root().querySelector('[data-role="sparkline"]').classList.contains('hidden'));
  // A dearer store, "also_at": the dearer styling and words.
  bar.showBar(compareView(answer({ store: '19.99', page: '15.00' })), { host: 'localhost', display: { bar_wording: 'also_at' } });
  const d = root().querySelector('[data-role="deal"]');
  assert.equal(d.textContent, 'Also at Demo Store for $19.99, $4.99 dearer than here');
  assert.ok(d.classList.contains('dearer'));
  bar.closeBar();
});

test('bar DOM: recommendations are a folded row of text and links; server markup is never parsed', async () => {
  const { bar, root } = await domBar('fr');
  assert.equal(bar.showRecommendations([{ id: 'a', title: 'x', price: { amount: '1.00', currency: 'USD' }, link: '' }]), 0, 'no bar, no row');
  bar.showBar(compareView(answer()), { host: 'localhost' });
  assert.equal(bar.showRecommendations([]), 0);
  assert.equal(root().querySelector('[data-role="reco"]'), null, 'nothing shown when empty');
  const evil = '<img src=x onerror="globalThis.pwned=1"><b>Bold</b>';
  const n = bar.showRecommendations([
    { id: 'a', title: evil, price: { amount: '9.99', currency: 'USD' }, link: 'https://shop.example/a' },
    { id: 'b', title: 'Mug', price: { amount: '5.00', currency: 'USD' }, link: 'javascript:alert(1)' },
  ]);
  assert.equal(n, 2);
  const row = root().querySelector('[data-role="reco"]');
  assert.equal(row.tagName, 'DETAILS');
  assert.equal(row.open, false, 'folded: one compact row');
  assert.equal(row.querySelector('summary').textContent, 'Les clients qui ont vu ce produit ont ensuite regardé : (2)');
  const t0 = root().querySelector('[data-role="reco-title-0"]');
  assert.equal(t0.textContent, evil, 'the title is text');
  assert.equal(row.querySelector('img, b'), null, 'no element from the title');
  assert.equal(t0.getAttribute('href'), 'https://shop.example/a');
  assert.equal(t0.getAttribute('rel'), 'noopener noreferrer');
  const t1 = root().querySelector('[data-role="reco-title-1"]');
  assert.equal(t1.tagName, 'SPAN', 'no link for a javascript: URL');
  assert.equal(root().querySelector('[data-role="reco-price-0"]').textContent.replace(/\s/g, ' '), '9,99 $US');
  assert.equal(globalThis.pwned, undefined);
  // Shown again (same page), replaced rather than added.
  bar.showRecommendations([{ id: 'c', title: 'C', price: { amount: '1.00', currency: 'USD' }, link: '' }]);
  assert.equal(root().querySelectorAll('[data-role="reco"]').length, 1);
  bar.closeBar();
});

// --- The background: handlers with a fake browser and a fake server. ---

function fakeExt() {
  const areas = {};
  const mk = () => {
    const data = new Map();
    const clone = (v) => JSON.parse(JSON.stringify(v));
    return {
      data,
      async get(keys) {
        const ks = keys === null || keys === undefined ? [...data.keys()] : Array.isArray(keys) ? keys : [keys];
        const out = {};
        for (const k of ks) if (data.has(k)) out[k] = clone(data.get(k));
        return out;
      },
      async set(obj) {
        for (const [k, v] of Object.entries(obj)) data.set(k, clone(v));
      },
      async remove(keys) {
        for (const k of Array.isArray(keys) ? keys : [keys]) data.delete(k);
      },
    };
  };
  areas.local = mk();
  areas.session = mk();
  const alarms = new Map();
  return {
    storage: areas,
    alarms: { get: async (n) => alarms.get(n), create: async (n, o) => alarms.set(n, o), clear: async (n) => alarms.delete(n) },
    i18n: { getMessage: (k) => k, getUILanguage: () => 'en-US' },
    runtime: { getURL: (p) => `chrome-extension://x/${p}`, getManifest: () => ({ version: '0.1.0' }) },
  };
}

const SERVER = 'http://127.0.0.1:8080';

function setup({ consent = null, assignments = { bar_wording: 'also_at', bar_placement: 'top', show_history: 'no' } } = {}) {
  const ext = fakeExt();
  const req = [];
  const srv = { exposures: [], expoStatus: 200, recs: { recommendations: [] } };
  let clock = Date.parse('2026-11-28T12:00:00.000Z');
  const client = {
    config: async () => (req.push(['config']), { store: { name: 'Demo Store', domains: ['127.0.0.1'], currency: 'USD' } }),
    compare: async (_s, _t, domain) => (req.push(['compare', domain]), answer()),
    recommendations: async (_s, session, k) => (req.push(['recommendations', session, k]), srv.recs),
    experiments: async (_s, token) => (req.push(['experiments', token]), { assignments, experiments: [] }),
    exposures: async (_s, _t, xs) => {
      req.push(['exposures', xs.length]);
      if (srv.expoStatus !== 200) throw new ApiError('forbidden', 'no consent', srv.expoStatus);
      srv.exposures.push(...xs);
      return { accepted: xs.length, duplicate: 0, refused: 0, refusals: [] };
    },
    events: async (_s, _t, evs) => (req.push(['events', evs.length]), { accepted: evs.length, duplicate: 0, refused: 0, refusals: [] }),
  };
  ext.storage.local.data.set('serverUrl', SERVER);
  ext.storage.local.data.set('install', { serverUrl: SERVER, installId: 'ins_1', token: 'tok' });
  if (consent) {
    ext.storage.local.data.set('panel', { serverUrl: SERVER, installId: 'ins_1', member: true, paused: false, scopes: consent, pending: '' });
    ext.storage.local.data.set('panelPolicy', { serverUrl: SERVER, at: clock, doc: policyDoc, ownDomains: ['127.0.0.1'] });
  }
  const core = createHandlers({ ext, client, browser: 'chrome', now: () => new Date(clock) });
  const tab = (url, incognito = false) => ({ id: 'x', url, tab: { id: 1, incognito } });
  return { ext, req, srv, core, h: core.handlers, tab, tick: (ms) => (clock += ms) };
}

const facts = { title: 'TV', price: '15.00', currency: 'USD' };
const page = 'http://localhost:8080/demo/shop/p/tv';

test('background: without product-views consent, the default bar and not one experiments request', async () => {
  for (const consent of [null, ['page_views', 'link_clicks']]) {
    const { h, req, tab, ext } = setup({ consent });
    const ans = await h.compare({ domain: 'localhost', facts }, tab(page));
    assert.deepEqual(ans.display, { ...DEFAULT_DISPLAY, experiment: false });
    assert.equal(req.filter(([n]) => n === 'experiments').length, 0, `${consent}: no GET /v1/experiments`);
    assert.equal(ext.storage.local.data.has('experiments'), false);
    if (consent) {
      // The comparison_shown event is not consented either: no exposure.
      const r = await h.panelEvent({ type: 'comparison_shown', domain: 'localhost', product_id: 'tv-003', status: 'match' }, tab(page));
      assert.equal(r.queued, false);
    }
    assert.equal(req.filter(([n]) => n === 'exposures').length, 0);
  }
});

test('background: members with product views get their assignment, cached a day; a private window gets the default', async () => {
  const { h, req, tab, tick, ext } = setup({ consent: ['product_views'] });
  const a1 = await h.compare({ domain: 'localhost', facts }, tab(page));
  assert.deepEqual(a1.display, { bar_wording: 'also_at', bar_placement: 'top', show_history: 'no', experiment: true });
  assert.deepEqual(req.filter(([n]) => n === 'experiments'), [['experiments', 'tok']], 'with the install token');
  await h.compare({ domain: 'localhost', facts }, tab(page));
  tick(23 * 3600e3);
  await h.compare({ domain: 'localhost', facts }, tab(page));
  assert.equal(req.filter(([n]) => n === 'experiments').length, 1, 'cached');
  tick(2 * 3600e3);
  await h.compare({ domain: 'localhost', facts }, tab(page));
  assert.equal(req.filter(([n]) => n === 'experiments').length, 2, 'refreshed after a day');
  assert.equal(ext.storage.local.data.get('experiments').installId, 'ins_1');
  const priv = await h.compare({ domain: 'localhost', facts }, tab(page, true));
  assert.equal(priv.display.experiment, false);
  assert.equal(priv.display.bar_placement, DEFAULT_DISPLAY.bar_placement);
});

test('background: a bar shown to a member logs one exposure per experiment (UUIDv7, the assigned variant); 403 drops them', async () => {
  const { h, req, srv, tab, ext } = setup({ consent: ['product_views'] });
  await h.compare({ domain: 'localhost', facts }, tab(page));
  const r = await h.panelEvent({ type: 'comparison_shown', domain: 'localhost', product_id: 'tv-003', status: 'match' }, tab(page));
  assert.equal(r.queued, true);
  await h.panelFlush();
  assert.equal(srv.exposures.length, 3);
  assert.deepEqual(srv.exposures.map((x) => [x.experiment, x.variant]).sort(), [['bar_placement', 'top'], ['bar_wording', 'also_at'], ['show_history', 'no']]);
  for (const x of srv.exposures) {
    assert.deepEqual(Object.keys(x).sort(), ['domain', 'experiment', 'id', 'product_id', 'ts', 'variant']);
    assert.ok(uuidv7Time(x.id) > 0, 'UUIDv7');
    assert.equal(x.product_id, 'tv-003');
    assert.equal(x.domain, 'localhost');
    assert.equal(Date.parse(x.ts), uuidv7Time(x.id));
  }
  assert.equal(new Set(srv.exposures.map((x) => x.id)).size, 3);
  assert.equal(ext.storage.local.data.get('expoSend').accepted, 3);
  assert.deepEqual(ext.storage.local.data.get('expoQueue'), []);
  // Link clicks and page views are not exposures.
  await h.panelEvent({ type: 'comparison_clicked', domain: 'localhost', product_id: 'tv-003', status: 'match' }, tab(page));
  await h.panelFlush();
  assert.equal(srv.exposures.length, 3);
  // The server refuses (consent withdrawn elsewhere): dropped, not retried forever.
  srv.expoStatus = 403;
  await h.panelEvent({ type: 'comparison_shown', domain: 'localhost', product_id: 'tv-003', status: 'match' }, tab(page));
  await h.panelFlush();
  assert.deepEqual(ext.storage.local.data.get('expoQueue'), []);
  assert.equal(ext.storage.local.data.get('expoSend').refused, 3);
  const posts = req.filter(([n]) => n === 'exposures').length;
  await h.panelFlush();
  assert.equal(req.filter(([n]) => n === 'exposures').length, posts);
});

test('background: exposures wait out a network failure and are retried; leaving the panel deletes them', async () => {
  const { h, srv, tab, ext, tick } = setup({ consent: ['product_views'] });
  await h.compare({ domain: 'localhost', facts }, tab(page));
  srv.expoStatus = 503;
  await h.panelEvent({ type: 'comparison_shown', domain: 'localhost', product_id: 'tv-003', status: 'match' }, tab(page));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(ext.storage.local.data.get('expoQueue').length, 3, 'kept after a failure');
  assert.ok(ext.storage.local.data.get('expoSend').nextAt > Date.parse('2026-11-28T12:00:00.000Z'), 'with backoff');
  srv.expoStatus = 200;
  tick(3600e3);
  await h.panelFlush();
  assert.equal(srv.exposures.length, 3, 'sent on retry');
  srv.expoStatus = 503;
  await h.panelEvent({ type: 'comparison_shown', domain: 'localhost', product_id: 'tv-003', status: 'match' }, tab(page));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(ext.storage.local.data.get('expoQueue').length, 3);
  await h.panelLeave().catch(() => {}); // the fake server has no consent endpoint: the local side still drops
  assert.deepEqual(ext.storage.local.data.get('expoQueue'), [], 'deleted from the device');
});

test('background: recommendations only for a product matched this session, with the session ids and no token', async () => {
  const { h, req, srv, tab, ext } = setup();
  await assert.rejects(h.recommend({ product_id: 'tv-003' }, tab(page)), (e) => e.code === 'not_matched');
  assert.equal(req.filter(([n]) => n === 'recommendations').length, 0, 'nothing asked before a match');
  await h.compare({ domain: 'localhost', facts }, tab(page));
  assert.deepEqual(ext.storage.session.data.get('recoSession'), { serverUrl: SERVER, ids: ['tv-003'] });
  srv.recs = { recommendations: [{ id: 'mug-1', title: 'Mug', price: { amount: '5.00', currency: 'USD' }, link: 'http://127.0.0.1:8080/shop/products/mug-1' }, { id: 'tv-003', title: 'Self', price: { amount: '1.00', currency: 'USD' } }] };
  const r = await h.recommend({ product_id: 'tv-003' }, tab(page));
  assert.deepEqual(r.items.map((i) => i.id), ['mug-1']);
  assert.deepEqual(req.filter(([n]) => n === 'recommendations'), [['recommendations', ['tv-003'], 3]]);
  // Private windows: nothing remembered, nothing asked.
  const before = req.length;
  assert.deepEqual(await h.recommend({ product_id: 'tv-003' }, tab(page, true)), { items: [] });
  assert.equal(req.length, before);
});

test('api: GET /v1/recommendations carries only the ids and k: no token, no cookies, no referrer', async () => {
  const calls = [];
  const fetchFn = async (url, init) => {
    calls.push({ url, init });
    return { ok: true, status: 200, text: async () => '{"recommendations":[]}', headers: { get: () => null } };
  };
  const c = apiClient(fetchFn);
  await c.recommendations('http://127.0.0.1:8080/', ['ap-001-med', 'sh-003:nav.10'], 3);
  assert.equal(calls[0].url, 'http://127.0.0.1:8080/v1/recommendations?session=ap-001-med,sh-003%3Anav.10&k=3');
  assert.equal(calls[0].init.method, 'GET');
  assert.equal(calls[0].init.headers.Authorization, undefined);
  assert.equal(calls[0].init.credentials, 'omit');
  assert.equal(calls[0].init.referrerPolicy, 'no-referrer');
  await c.experiments('http://127.0.0.1:8080', 'tok');
  assert.equal(calls[1].url, 'http://127.0.0.1:8080/v1/experiments');
  assert.equal(calls[1].init.headers.Authorization, 'Bearer tok');
  await c.exposures('http://127.0.0.1:8080', 'tok', [{ id: 'x' }]);
  assert.deepEqual(JSON.parse(calls[2].init.body), { exposures: [{ id: 'x' }] });
  assert.equal(calls[2].init.method, 'POST');
});
