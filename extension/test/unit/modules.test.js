// Unit tests of the pure modules: host helpers, money for display, the
// sparkline, the compare view, alert capping, the API client, the quick
// detection against the corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { hostOf, isOwnSite, originPattern, parseServerUrl, safeLink } from '../../src/shared/host.js';
import { formatMoney, parseTarget, suggestTarget, toMinor, fromMinor } from '../../src/shared/money.js';
import { sparkline } from '../../src/shared/sparkline.js';
import { compareView, formatPercent } from '../../src/shared/compare-view.js';
import { applyDailyCap, localDay, validAlerts } from '../../src/background/alerts.js';
import { apiClient, call } from '../../src/background/api.js';
import { extractHTML, factsForCompare, quickDetect } from '../../src/extract/index.js';
import { parseText, amountString } from '../../src/extract/money.js';
import { corpusDir } from '../helpers.js';

test('hostOf and isOwnSite', () => {
  const cases = [
    ['http://127.0.0.1:8080/demo/shop/p/x', ['127.0.0.1'], true],
    ['http://localhost:8080/demo/shop/p/x', ['127.0.0.1'], false],
    ['https://www.shop.example/p', ['shop.example'], true],
    ['https://shop.example./p', ['SHOP.example'], true],
    ['https://notshop.example/p', ['shop.example'], false],
    ['https://shop.example.evil.test/p', ['shop.example'], false],
    ['http://[::1]:8080/', ['::1'], true],
    ['not a url', ['shop.example'], false],
  ];
  for (const [url, domains, want] of cases) assert.equal(isOwnSite(hostOf(url), domains), want, url);
  assert.equal(isOwnSite('', ['']), false);
});

test('parseServerUrl and originPattern', () => {
  assert.deepEqual(parseServerUrl(' http://127.0.0.1:8080/ '), { url: 'http://127.0.0.1:8080' });
  assert.deepEqual(parseServerUrl('https://shop.example/vitrine/'), { url: 'https://shop.example/vitrine' });
  assert.deepEqual(parseServerUrl('ftp://shop.example'), { error: 'optionsErrorScheme' });
  assert.deepEqual(parseServerUrl('shop.example'), { error: 'optionsErrorUrl' });
  assert.deepEqual(parseServerUrl('https://user:pw@shop.example'), { error: 'optionsErrorUrl' });
  assert.deepEqual(parseServerUrl('https://shop.example/?a=1'), { error: 'optionsErrorUrl' });
  assert.equal(originPattern('http://127.0.0.1:8080'), 'http://127.0.0.1/*');
  assert.equal(originPattern('https://shop.example:8443/x'), 'https://shop.example/*');
  assert.equal(safeLink('javascript:alert(1)'), '');
  assert.equal(safeLink('https://shop.example/p?x=1'), 'https://shop.example/p?x=1');
});

test('money: exact minor units, formatting, watch targets', () => {
  assert.equal(toMinor('129.99', 2), 12999n);
  assert.equal(toMinor('0.005', 2), 1n);
  assert.equal(toMinor('1299', 0), 1299n);
  assert.equal(toMinor('1.2', 3), 1200n);
  assert.equal(toMinor('abc', 2), null);
  assert.equal(fromMinor(-5n, 2), '-0.05');
  assert.equal(formatMoney({ amount: '1299.00', currency: 'USD' }, 'en-US'), '$1,299.00');
  assert.equal(formatMoney({ amount: '1299.00', currency: 'EUR' }, 'fr-FR').replace(/\s/g, ' '), '1 299,00 €');
  assert.equal(formatMoney({ amount: '1299', currency: 'JPY' }, 'en-US'), '¥1,299');
  assert.equal(formatMoney({ amount: 'x', currency: 'USD' }, 'en-US'), '');
  // Exact beyond float precision.
  assert.equal(formatMoney({ amount: '9007199254740993.01', currency: 'USD' }, 'en-US'), '$9,007,199,254,740,993.01');
  assert.deepEqual(suggestTarget({ amount: '599.99', currency: 'USD' }), { amount: '569.99', currency: 'USD' });
  assert.deepEqual(suggestTarget({ amount: '100', currency: 'JPY' }), { amount: '95', currency: 'JPY' });
  assert.deepEqual(suggestTarget({ amount: '0.01', currency: 'USD' }), { amount: '0.01', currency: 'USD' });
  const targets = [['95', '95.00'], ['95.5', '95.50'], ['95,50', '95.50'], ['1,299.00', '1299.00'], ['1.299,00', '1299.00'], ['1,299', '1299.00'], ['1 299,5', '1299.50']];
  for (const [input, want] of targets) assert.deepEqual(parseTarget(input, 'USD'), { amount: want, currency: 'USD' }, input);
  for (const bad of ['', 'abc', '-5', '0', '1e3']) assert.equal(parseTarget(bad, 'USD'), null, bad);
});

test('sparkline: time on x, price on y, steps, flat and single histories', () => {
  const pts = [
    { at: '2026-10-03T00:00:00Z', price: { amount: '100.00', currency: 'USD' } },
    { at: '2026-10-01T00:00:00Z', price: { amount: '120.00', currency: 'USD' } },
    { at: '2026-10-02T00:00:00Z', price: { amount: '110.00', currency: 'USD' } },
  ];
  const s = sparkline(pts, { width: 104, height: 24, pad: 2 });
  assert.deepEqual(s.points.map((p) => [p.x, p.y]), [[2, 2], [52, 12], [102, 22]]);
  assert.equal(s.path, 'M2 2 H52 V12 H102 V22');
  assert.equal(s.min, 100);
  assert.equal(s.max, 120);
  const flat = sparkline([pts[0], { ...pts[1], price: { amount: '100.00', currency: 'USD' } }], { width: 104, height: 24, pad: 2 });
  assert.equal(flat.path, 'M2 12 H102');
  const one = sparkline([pts[0]], { width: 104, height: 24, pad: 2 });
  assert.equal(one.path, 'M2 12 H102');
  assert.equal(sparkline([], {}), null);
  assert.equal(sparkline([{ at: 'nope', price: { amount: '1' } }]), null);
});

const answer = (over = {}) => ({
  status: 'match',
  store: { name: 'Vitrine Demo Store', domains: ['127.0.0.1'] },
  offer: { product_id: 'tv-003', title: 'TV', link: 'http://127.0.0.1/shop/products/tv-003', price: { amount: '599.99', currency: 'USD' } },
  strength: 'exact',
  comparison: { difference: { amount: '80.00', currency: 'USD' }, percent: '11.8', store_is_cheaper: true, same_price: false, converted: false },
  history: { points: [{ at: '2026-10-01T00:00:00Z', price: { amount: '599.99', currency: 'USD' } }], low_30_days: { amount: '599.99', currency: 'USD' } },
  ...over,
});

test('compareView: what the bar says', () => {
  assert.equal(compareView({ status: 'no_match' }), null);
  assert.equal(compareView({ status: 'own_site' }), null);
  assert.equal(compareView(answer({ offer: { product_id: 'x' } })), null, 'no price, no bar');
  const v = compareView(answer());
  assert.equal(v.headlineKey, 'barHeadlineExact');
  assert.deepEqual(v.deal, { kind: 'cheaper', difference: { amount: '80.00', currency: 'USD' }, percent: '12' });
  const dearer = compareView(answer({ strength: 'possible', comparison: { difference: { amount: '-120.00', currency: 'USD' }, percent: '25.0', store_is_cheaper: false } }));
  assert.equal(dearer.headlineKey, 'barHeadlinePossible');
  assert.deepEqual(dearer.deal, { kind: 'dearer', difference: { amount: '120.00', currency: 'USD' }, percent: '25' });
  assert.equal(compareView(answer({ strength: 'likely' })).headlineKey, 'barHeadlineLikely');
  assert.equal(compareView(answer({ strength: 'bogus' })).headlineKey, 'barHeadlinePossible', 'unknown strength is worded as the weakest');
  assert.equal(compareView(answer({ comparison: { difference: { amount: '0.00', currency: 'USD' }, store_is_cheaper: false } })).deal.kind, 'same');
  assert.equal(compareView(answer({ comparison: undefined })).deal.kind, 'none', 'no page price: no saving claimed');
  assert.equal(formatPercent('0.4'), '<1');
  assert.equal(formatPercent('x'), '');
});

test('alerts: local daily cap', () => {
  const now = new Date(2026, 9, 5, 12);
  const alerts = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
  let r = applyDailyCap(alerts, null, 2, now);
  assert.deepEqual(r.show.map((a) => a.id), ['a', 'b']);
  assert.deepEqual(r.dropped.map((a) => a.id), ['c']);
  assert.deepEqual(r.counter, { day: localDay(now), count: 2 });
  r = applyDailyCap([{ id: 'd' }], r.counter, 2, now);
  assert.equal(r.show.length, 0, 'cap reached today');
  r = applyDailyCap([{ id: 'd' }], r.counter, 2, new Date(2026, 9, 6, 0, 1));
  assert.equal(r.show.length, 1, 'a new day');
  assert.equal(validAlerts({ alerts: [{ id: 'x', title: 't', price: { amount: '1.00' } }, { id: 3 }, null] }).length, 1);
});

test('api client: JSON, bearer token, server errors', async () => {
  const seen = [];
  const fake = async (url, init) => {
    seen.push({ url, init });
    if (url.endsWith('/v1/watches') && init.method === 'POST') return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no such product' } }), { status: 404 });
    if (init.method === 'DELETE') return new Response(null, { status: 204 });
    return new Response(JSON.stringify({ ok: 1 }), { status: 200 });
  };
  const c = apiClient(fake);
  assert.deepEqual(await c.compare('http://s:1/', 'tok', 'localhost', { title: 'x' }, 'USD'), { ok: 1 });
  assert.equal(seen[0].url, 'http://s:1/v1/compare');
  assert.equal(seen[0].init.headers.Authorization, 'Bearer tok');
  assert.deepEqual(JSON.parse(seen[0].init.body), { domain: 'localhost', facts: { title: 'x' }, currency: 'USD' });
  assert.equal(seen[0].init.credentials, 'omit');
  await assert.rejects(c.watch('http://s:1', 'tok', 'p/1', { amount: '1.00', currency: 'USD' }), (e) => e.code === 'not_found' && e.status === 404);
  assert.equal(await c.unwatch('http://s:1', 'tok', 'w/1'), null);
  assert.equal(seen.at(-1).url, 'http://s:1/v1/watches/w%2F1');
  await assert.rejects(call(async () => { throw new TypeError('Failed to fetch'); }, 'http://s:1', 'GET', '/v1/config'), (e) => e.code === 'network');
  await assert.rejects(call(async () => new Response('<html>', { status: 502 }), 'http://s:1', 'GET', '/v1/config'), (e) => e.code === 'bad_response');
});

test('quick detection: never misses a product page of the corpus, drops plain pages', () => {
  const pages = readdirSync(corpusDir).filter((f) => f.endsWith('.html'));
  let skipped = 0;
  for (const f of pages) {
    const html = readFileSync(join(corpusDir, f), 'utf8');
    const want = JSON.parse(readFileSync(join(corpusDir, f.replace(/\.html$/, '.json')), 'utf8'));
    const doc = new JSDOM(html).window.document;
    const quick = quickDetect(doc);
    if (want.facts.is_product) assert.ok(quick, `${f}: a product page must pass the quick check`);
    if (!quick) skipped++;
  }
  const plain = new JSDOM('<html><body><h1>About us</h1><p>We sell things. <a href="/cart">Cart</a></p></body></html>').window.document;
  assert.equal(quickDetect(plain), false);
  assert.ok(skipped >= 1, 'some corpus pages stop at the quick check');
});

test('facts for /v1/compare: plain strings, no page URL', () => {
  const html = readFileSync(join(corpusDir, 'shopify-en-us-variant-url.html'), 'utf8');
  const want = JSON.parse(readFileSync(join(corpusDir, 'shopify-en-us-variant-url.json'), 'utf8'));
  const f = factsForCompare(extractHTML(html, want.url, (h) => new JSDOM(h).window.document));
  assert.equal(f.canonical_url, undefined);
  assert.equal(f.description, undefined);
  for (const [k, v] of Object.entries(f)) {
    if (k === 'price_is_range') assert.equal(typeof v, 'boolean');
    else if (k === 'variants') assert.ok(Object.values(v).every((x) => typeof x === 'string'));
    else assert.equal(typeof v, 'string', k);
  }
  assert.deepEqual(factsForCompare({ is_product: false }), {});
});

test('money.parseText agrees with the Go parser on its documented examples', () => {
  const cases = [
    ['1.299,00 €', '', '1299.00', 'EUR', false], ['$1,299.00', '', '1299.00', 'USD', false], ["CHF 1'299.–", '', '1299.00', 'CHF', false],
    ['1 299,00 zł', '', '1299.00', 'PLN', false], ['₹1,29,999', '', '129999.00', 'INR', false], ['R$ 1.299,90', '', '1299.90', 'BRL', false],
    ['$10 - $20', '', '10.00', 'USD', true], ['12€50', '', '12.50', 'EUR', false], ['KWD 1.299', '', '1.299', 'KWD', false],
    ['1.299 €', '', '1299.00', 'EUR', false], ['0.299', '', '0.299', '', false], ['1234.567', '', '1234.567', '', false],
    ['$5 CAD', '', '5.00', 'CAD', false], ['kr 100', 'NOK', '100.00', 'NOK', false], ['€5', 'USD', '5.00', 'EUR', false],
    ['2 990 Kč', '', '2990.00', 'CZK', false], ['Now only 1.299,00 € incl. VAT', '', '1299.00', 'EUR', false],
  ];
  for (const [s, hint, amount, cur, isRange] of cases) {
    const p = parseText(s, hint);
    assert.ok(p, s);
    assert.deepEqual([amountString(p.amount), p.currency, p.isRange], [amount, cur, isRange], s);
  }
  for (const bad of ['-5 €', '128GB', '20%', 'Was $30 now $20', '€10 USD', '$20 - $10', 'no digits']) assert.equal(parseText(bad, ''), null, bad);
});
