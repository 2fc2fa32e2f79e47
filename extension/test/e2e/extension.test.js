// End to end in Debian's Chromium with the extension loaded (dist/chrome
// built against a fresh `vitrine serve --demo`): the comparison bar on
// demo-shop pages of every markup kind, zero requests from a non-product
// page, no bar on the store's own site, keyboard and per-site dismissal,
// and a watched price that falls after an import raising a notification.
// Expectations come from the API, never from constants.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { launchBrowser, readBar, startServer } from './harness.js';
import { extractHTML } from '../../src/extract/index.js';
import { extDir } from '../helpers.js';

const shots = join(extDir, 'test', 'screenshots');
mkdirSync(shots, { recursive: true });

let srv;
let br;

before(async () => {
  srv = await startServer();
  br = await launchBrowser(srv.base);
});

after(async () => {
  if (br) await br.close();
  if (srv) await srv.stop();
});

const usd = (amount) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(amount);

async function api(path, { token, method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body) headers['Content-Type'] = 'application/json';
  const r = await fetch(srv.base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  assert.ok(r.ok, `${method} ${path}: HTTP ${r.status}`);
  return r.status === 204 ? null : r.json();
}

/** Requests the server has answered, by route, from its Prometheus metrics. */
async function routeCounts() {
  const txt = await (await fetch(`${srv.base}/metrics`)).text();
  const out = {};
  for (const m of txt.matchAll(/^vitrine_http_request_duration_seconds_count\{route="([^"]+)"\} (\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}

function apiDelta(before, afterCounts) {
  const d = {};
  for (const [route, n] of Object.entries(afterCounts)) {
    if (!/\/v1\//.test(route)) continue;
    const diff = n - (before[route] || 0);
    if (diff) d[route] = diff;
  }
  return d;
}

async function storage(area = 'local') {
  return br.worker.evaluate((a) => chrome.storage[a].get(null), area);
}

/** Waits for the bar (or its absence after the content script settled). */
async function waitBar(page, { expect = true, ms = 15000 } = {}) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const bar = await readBar(page);
    if (bar && expect) return bar;
    if (!expect) {
      const st = await pageStatus(page);
      if (st && st.cost !== null && st.match !== null) return readBar(page);
      if (st && st.cost !== null && !st.product) return readBar(page);
    }
    await page.waitForTimeout(150);
  }
  return expect ? null : readBar(page);
}

/** The content script's status for a page, asked the way the popup asks. */
async function pageStatus(page) {
  await page.bringToFront();
  const url = page.url();
  return br.worker.evaluate(async (u) => {
    const tabs = await chrome.tabs.query({});
    const tab = tabs.find((t) => t.url === u) || (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0];
    if (!tab) return null;
    try {
      return await chrome.tabs.sendMessage(tab.id, { type: 'pageStatus' });
    } catch {
      return null;
    }
  }, url);
}

/** Demo-shop product pages by markup kind, found by reading the pages themselves. */
async function shopPagesByKind() {
  const listing = await (await fetch(`${srv.base}/demo/shop/`)).text();
  const paths = [...new Set([...listing.matchAll(/\/demo\/shop\/p\/[^"'?#\s]+/g)].map((m) => m[0]))];
  const kinds = {};
  for (const p of paths) {
    const html = await (await fetch(srv.base + p)).text();
    const jsonld = /application\/ld\+json[^>]*>[^<]*"(Product|ProductGroup)"/.test(html);
    let kind;
    if (/"hasVariant"/.test(html)) kind = 'variants';
    else if (jsonld) kind = 'jsonld';
    else if (/itemtype="https?:\/\/schema\.org\/Product"/.test(html)) kind = 'microdata';
    else if (/\btypeof="[^"]*Product/.test(html)) kind = 'rdfa';
    else if (/property="(product:price:amount|og:price:amount)"/.test(html)) kind = 'opengraph';
    else continue;
    (kinds[kind] ||= []).push({ path: p, html });
  }
  return kinds;
}

let kinds;
const matched = {};

test('install: registers with the server and opens the onboarding page', async () => {
  let st = await storage();
  for (let i = 0; i < 100 && !st.install; i++) {
    await new Promise((r) => setTimeout(r, 100));
    st = await storage();
  }
  assert.ok(st.install, 'install saved');
  assert.match(st.install.installId, /^ins_/);
  assert.ok(st.install.token.length >= 16);
  assert.equal(st.install.serverUrl, srv.base);
  let onboarding;
  for (let i = 0; i < 100 && !onboarding; i++) {
    onboarding = br.context.pages().find((p) => p.url().endsWith('/onboarding/onboarding.html'));
    if (!onboarding) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(onboarding, 'onboarding tab opened');
  await onboarding.waitForSelector('body[data-ready="1"]');
  const text = await onboarding.textContent('main');
  assert.match(text, /product facts the page itself publishes/);
  assert.match(text, new RegExp(st.install.installId));
  await onboarding.screenshot({ path: join(shots, 'onboarding-en.png'), fullPage: true });
});

test('the bar shows the store price and the saving on JSON-LD, Microdata, OpenGraph-only and variant pages', async () => {
  kinds = await shopPagesByKind();
  for (const kind of ['jsonld', 'microdata', 'opengraph', 'variants']) {
    assert.ok(kinds[kind]?.length, `the demo shop has ${kind} pages`);
    const page = await br.context.newPage();
    let done = false;
    for (const cand of kinds[kind].slice(0, 6)) {
      await page.goto(srv.other + cand.path);
      const bar = await waitBar(page, { ms: 8000 });
      if (!bar) continue; // the store does not sell this one: no bar, as it should be
      assert.equal(bar.shadowRootType, 'closed');
      const st = await pageStatus(page);
      assert.equal(st.match, 'match');
      const product = await api(`/v1/products/${encodeURIComponent(st.productId)}`);
      const storePrice = product.effective_price || product.offer.price;
      assert.equal(bar.roles['store-price'], usd(storePrice.amount), `${kind}: store price`);
      // The page's own price, read from its markup the same way.
      const facts = extractHTML(cand.html, srv.base + cand.path, (h) => new JSDOM(h).window.document);
      const pageCents = Math.round(Number(facts.price.value) * 100);
      const storeCents = Math.round(Number(storePrice.amount) * 100);
      const diff = Math.abs(pageCents - storeCents) / 100;
      const pct = Math.round((Math.abs(pageCents - storeCents) / pageCents) * 100);
      if (storeCents < pageCents) assert.equal(bar.roles.deal, `Save ${usd(diff)} (${pct < 1 ? '<1' : pct}%) at Vitrine Demo Store`, `${kind}: saving`);
      else if (storeCents > pageCents) assert.equal(bar.roles.deal, `${usd(diff)} dearer at Vitrine Demo Store`, `${kind}: dearer`);
      else assert.equal(bar.roles.deal, 'Same price at Vitrine Demo Store');
      assert.equal(bar.attrs['store-link'].href, product.link);
      assert.ok(bar.roles.sparkline !== undefined, `${kind}: price history sparkline`);
      matched[kind] = { path: cand.path, productId: st.productId, storePrice, page };
      if (kind === 'jsonld') await page.screenshot({ path: join(shots, 'bar-en.png') });
      done = true;
      break;
    }
    assert.ok(done, `a ${kind} page with a match`);
  }
});

test('a non-product page causes zero requests to the server', async () => {
  const page = await br.context.newPage();
  const beforeCounts = await routeCounts();
  await page.goto(`${srv.other}/demo/shop/about`);
  const st = await waitBar(page, { expect: false });
  assert.equal(st, null, 'no bar');
  const status = await pageStatus(page);
  assert.equal(status.product, false);
  await page.waitForTimeout(1500); // anything late would show now
  assert.deepEqual(apiDelta(beforeCounts, await routeCounts()), {}, 'no /v1 request at all');
  await page.close();
});

test("the store's own site shows no bar and sends no comparison", async () => {
  const page = await br.context.newPage();
  const beforeCounts = await routeCounts();
  await page.goto(srv.base + matched.jsonld.path); // 127.0.0.1 is the store's domain
  assert.equal(await waitBar(page, { expect: false }), null);
  const st = await pageStatus(page);
  assert.equal(st.product, true);
  assert.equal(st.match, 'own_site');
  const d = apiDelta(beforeCounts, await routeCounts());
  assert.equal(d['POST /v1/compare'], undefined, 'no compare request from the own site');
  await page.close();
});

test('no layout jump, Escape closes the bar', async () => {
  const { page } = matched.microdata;
  await page.bringToFront();
  const bar = await readBar(page);
  assert.ok(bar);
  const h1With = await page.evaluate(() => JSON.stringify(document.querySelector('h1').getBoundingClientRect()));
  const hostBox = await page.evaluate(() => {
    const h = document.querySelector('[data-vitrine="bar"]');
    const cs = getComputedStyle(h);
    return { position: cs.position, w: h.offsetWidth, h: h.offsetHeight };
  });
  assert.deepEqual(hostBox, { position: 'fixed', w: 0, h: 0 });
  // Focus the close button inside the closed shadow root with the keyboard-equivalent DevTools focus, then Escape.
  const cdp = await page.context().newCDPSession(page);
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const stack = [root];
  let watchBtn = null;
  while (stack.length) {
    const n = stack.pop();
    const a = n.attributes || [];
    for (let i = 0; i < a.length; i += 2) if (a[i] === 'data-role' && a[i + 1] === 'watch') watchBtn = n;
    stack.push(...(n.children || []), ...(n.shadowRoots || []));
  }
  assert.ok(watchBtn);
  await cdp.send('DOM.focus', { backendNodeId: watchBtn.backendNodeId });
  await page.keyboard.press('Tab'); // focus moves along the bar's buttons
  await page.keyboard.press('Escape');
  await cdp.detach();
  assert.equal(await readBar(page), null, 'Escape closed the bar');
  const h1Without = await page.evaluate(() => JSON.stringify(document.querySelector('h1').getBoundingClientRect()));
  assert.equal(h1With, h1Without, 'the page did not move');
});

async function click(page, role) {
  const bar = await readBar(page);
  const b = bar.boxes[role];
  assert.ok(b, `${role} is rendered`);
  await page.mouse.click(b.x + b.w / 2, b.y + b.h / 2);
}

test('watch a price from the bar, import a lower price, get the alert notification', async () => {
  const { page, productId, storePrice } = matched.jsonld;
  await page.bringToFront();
  await page.reload();
  assert.ok(await waitBar(page));
  await click(page, 'watch');
  await page.waitForTimeout(200);
  // The suggested target (price minus 5%) is pre-filled and focused: submit it with Enter.
  await page.keyboard.press('Enter');
  const { install } = await storage();
  let watches;
  for (let i = 0; i < 50; i++) {
    watches = (await api('/v1/watches', { token: install.token })).watches;
    if (watches.length) break;
    await page.waitForTimeout(100);
  }
  const w = watches.find((x) => x.product_id === productId);
  assert.ok(w, 'the watch is on the server');
  const storeCents = Math.round(Number(storePrice.amount) * 100);
  assert.equal(Math.round(Number(w.target_price.amount) * 100), Math.floor((storeCents * 95) / 100), 'target = price minus 5%');
  const bar = await readBar(page);
  assert.equal(bar.roles.watch, 'Watching');

  await click(page, 'add-to-list');
  await page.waitForTimeout(500);
  const lists = (await api('/v1/lists', { token: install.token })).lists;
  assert.ok(lists.some((l) => l.name === 'My list' && l.items.some((it) => it.product_id === productId)), 'added to the default list');

  // The store lowers its price below the target: import it as a store operator would.
  const product = await api(`/v1/products/${encodeURIComponent(productId)}`);
  const lower = ((Math.floor((storeCents * 80) / 100)) / 100).toFixed(2);
  const line = {
    id: product.id, title: product.title, description: product.description || product.title, link: product.link,
    image_link: product.image_link, availability: product.offer.availability, condition: product.condition || 'new',
    price: { amount: lower, currency: storePrice.currency }, brand: product.brand, gtin: product.gtin, mpn: product.mpn,
  };
  const feed = join(srv.tmp, 'lower.jsonl');
  writeFileSync(feed, JSON.stringify(line) + '\n');
  const out = execFileSync(srv.bin, ['import', '--db', `sqlite:${srv.db}`, feed], { encoding: 'utf8' });
  assert.match(out, /updated=1|imported=1/);

  // Check alerts now (the alarm does the same every 30 minutes), from an extension page.
  const ext = await br.context.newPage();
  await ext.goto(br.extUrl('options/options.html'));
  const res = await ext.evaluate(() => chrome.runtime.sendMessage({ type: 'checkAlerts', payload: {} }));
  assert.equal(res.ok, true, JSON.stringify(res));
  assert.equal(res.data.shown, 1);
  const { shownNotifications } = await storage('session');
  const n = shownNotifications.find((x) => x.productId === productId);
  assert.ok(n, 'notification shown');
  assert.equal(n.title, `Price drop: ${usd(lower)}`);
  assert.ok(n.message.includes(product.title));
  await ext.close();
});

test('the popup lists watched prices and lists; the panel shows that nothing is shared', async () => {
  const popup = await br.context.newPage();
  await popup.setViewportSize({ width: 380, height: 640 });
  await popup.goto(br.extUrl('popup/popup.html'));
  await popup.waitForSelector('body[data-ready="1"]');
  const text = await popup.textContent('main');
  assert.match(text, /Watched prices/);
  assert.ok((await popup.$$('#watches li')).length >= 1, 'a watched price');
  assert.ok((await popup.$$('#lists li')).length >= 1, 'a list item');
  assert.match(text, /Not sharing: nothing about your browsing is shared/);
  assert.equal(await popup.getAttribute('body', 'data-panel'), 'off');
  await popup.screenshot({ path: join(shots, 'popup-en.png'), fullPage: true });
  await popup.close();
});

test('the dispatcher refuses extension-page messages from a content script', async () => {
  const { page } = matched.opengraph;
  await page.bringToFront();
  // A page itself cannot reach the extension (no externally_connectable).
  assert.equal(await page.evaluate(() => typeof globalThis.chrome?.runtime?.sendMessage), 'undefined');
  // Run code in the content script's own isolated world through DevTools.
  const cdp = await page.context().newCDPSession(page);
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
  await cdp.send('Runtime.enable');
  await page.waitForTimeout(200);
  const world = contexts.find((c) => c.origin.startsWith('chrome-extension://') || (c.auxData?.type === 'isolated' && c.name === 'Vitrine'));
  assert.ok(world, `the content script world (${contexts.map((c) => c.name).join(', ')})`);
  const run = async (msg) => (await cdp.send('Runtime.evaluate', { contextId: world.id, awaitPromise: true, returnByValue: true, expression: `chrome.runtime.sendMessage(${JSON.stringify(msg)})` })).result.value;
  const refused = await run({ type: 'setServer', payload: { serverUrl: 'http://evil.example' } });
  assert.equal(refused.ok, false);
  assert.equal(refused.error.code, 'forbidden');
  const unknown = await run({ type: 'exfiltrate', payload: {} });
  assert.equal(unknown.error.code, 'unknown_type');
  const bad = await run({ type: 'compare', payload: { domain: 'localhost', facts: { title: 'x', url: 'http://secret.example/path' } } });
  assert.equal(bad.error.code, 'invalid', 'unknown fact keys (a URL) are refused');
  await cdp.detach();
  assert.equal((await storage()).serverUrl, undefined, 'the server was not changed');
});

test('hiding the bar on a site is remembered', async () => {
  const { page } = matched.variants;
  await page.bringToFront();
  await page.reload();
  assert.ok(await waitBar(page));
  await click(page, 'hide-site');
  await page.waitForTimeout(300);
  assert.equal(await readBar(page), null);
  const { dismissed } = await storage();
  assert.deepEqual(dismissed, ['localhost']);
  const beforeCounts = await routeCounts();
  await page.reload();
  assert.equal(await waitBar(page, { expect: false }), null, 'still hidden after a reload');
  assert.equal(apiDelta(beforeCounts, await routeCounts())['POST /v1/compare'], undefined, 'and nothing is compared there');
  assert.equal((await pageStatus(page)).match, 'dismissed');
});
