// Recommendations, display experiments and French, end to end in Debian's
// Chromium against a real `vitrine serve --demo`. The recommendation model
// learns from a panel simulated through the real API (`vitrine simulate`),
// then the server is restarted on the same database so that the model is
// trained at start. Expectations come from the API and the locale files,
// never from constants.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { launchBrowser, readBar, startServer } from './harness.js';
import { extractHTML, factsForCompare } from '../../src/extract/index.js';
import { extDir, repoDir } from '../helpers.js';

const shots = join(extDir, 'test', 'screenshots');
mkdirSync(shots, { recursive: true });

let srv;
let br;
let adminToken;
const STORE = 'Vitrine Demo Store';

before(async () => {
  srv = await startServer();
  const out = execFileSync(srv.bin, ['user', 'create', '--db', `sqlite:${srv.db}`, '--email', 'ops@x.example', '--role', 'admin', '--api-token'], { encoding: 'utf8', env: { ...process.env, VITRINE_PASSWORD: 'e2e-operator-password' } });
  adminToken = (out.match(/API token.*\):\s*(\S+)/) || [])[1];
  assert.ok(adminToken, `an admin API token in: ${out}`);
  const sim = execFileSync(srv.bin, ['simulate', '--url', srv.base, '--admin-token', adminToken, '--installs', '150', '--seed', '7'], { encoding: 'utf8', cwd: repoDir, timeout: 240000 });
  assert.match(sim, /installs=150 events=\d+/);
  await srv.restart();
  br = await launchBrowser(srv.base);
});

after(async () => {
  if (br) await br.close();
  if (srv) await srv.stop();
});

const msgs = (lang) => JSON.parse(readFileSync(join(extDir, 'src', '_locales', lang, 'messages.json'), 'utf8'));
const tr = (lang, key, subs = []) => msgs(lang)[key].message.replace(/\$(\d)/g, (_, d) => String(subs[Number(d) - 1]));
/** A message with its substitutions as wildcards. */
const pattern = (lang, key) => new RegExp(`^${msgs(lang)[key].message.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '$' ? '$' : `\\${c}`)).replace(/\$\d/g, '.+')}$`);
const money = (m, locale = 'en-US') => new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency }).format(m.amount);
const norm = (s) => String(s).replace(/\s/g, ' ');

async function api(path, { token, method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body) headers['Content-Type'] = 'application/json';
  const r = await fetch(srv.base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  assert.ok(r.ok, `${method} ${path}: HTTP ${r.status} ${r.ok ? '' : await r.clone().text()}`);
  return r.json();
}

async function routeCounts() {
  const txt = await (await fetch(`${srv.base}/metrics`)).text();
  const out = {};
  for (const m of txt.matchAll(/^vitrine_http_request_duration_seconds_count\{route="([^"]+)"\} (\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}
const delta = (a, b, route) => (b[route] || 0) - (a[route] || 0);

async function pageStatus(b, page) {
  await page.bringToFront();
  const url = page.url();
  return b.worker.evaluate(async (u) => {
    // Without the tabs permission URLs are not readable: the page was brought to the front.
    const tab = (await chrome.tabs.query({})).find((t) => t.url === u) || (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0];
    if (!tab) return null;
    try {
      return await chrome.tabs.sendMessage(tab.id, { type: 'pageStatus' });
    } catch {
      return null;
    }
  }, url);
}

/** Opens a page and waits until the bar is shown and the recommendations answered (shown or not). */
async function openMatched(b, url) {
  const page = await b.context.newPage();
  await page.goto(url);
  let st;
  for (let i = 0; i < 100; i++) {
    st = await pageStatus(b, page);
    if (st && st.match && st.match !== 'match') break;
    if (st && st.match === 'match' && st.reco !== undefined) break;
    await page.waitForTimeout(150);
  }
  assert.equal(st?.match, 'match', `${url}: ${JSON.stringify(st)}`);
  assert.notEqual(st.reco, undefined, 'the recommendations answered');
  assert.notEqual(st.reco, 'error', st.recoError);
  return { page, st, bar: await readBar(page) };
}

/** Demo-shop pages the store matches, with the matched product, found through the real API from the pages' own facts. */
let pages;
async function matchedPages() {
  if (pages) return pages;
  const listing = await (await fetch(`${srv.base}/demo/shop/`)).text();
  const paths = [...new Set([...listing.matchAll(/\/demo\/shop\/p\/[^"'?#\s]+/g)].map((m) => m[0]))];
  pages = [];
  for (const p of paths) {
    const html = await (await fetch(srv.other + p)).text();
    const facts = extractHTML(html, srv.other + p, (h) => new JSDOM(h).window.document);
    if (!facts.is_product) continue;
    const ans = await api('/v1/compare', { method: 'POST', body: { domain: 'localhost', facts: factsForCompare(facts), currency: 'USD' } });
    if (ans.status !== 'match') continue;
    const recs = (await api(`/v1/recommendations?session=${encodeURIComponent(ans.offer.product_id)}&k=3`)).recommendations;
    pages.push({ path: p, productId: ans.offer.product_id, recs: recs.length });
  }
  return pages;
}

async function sessionIds(b) {
  const { recoSession } = await b.worker.evaluate(() => chrome.storage.session.get('recoSession'));
  return recoSession?.ids || [];
}

async function clickRole(page, role) {
  const bar = await readBar(page);
  const box = bar.boxes[role];
  assert.ok(box, `${role} is rendered`);
  await page.mouse.click(box.x + box.w / 2, box.y + box.h / 2);
}

/** The recommendations row against the API's answer for the session the extension keeps. */
async function assertRecommendations(b, page, lang, locale) {
  const ids = await sessionIds(b);
  assert.ok(ids.length >= 1 && ids.length <= 10, `session ids: ${ids}`);
  const want = (await api(`/v1/recommendations?session=${ids.map(encodeURIComponent).join(',')}&k=3`)).recommendations;
  assert.ok(want.length > 0 && want.length <= 3, 'the server has recommendations for this session');
  await clickRole(page, 'reco-toggle'); // unfold the row
  await page.waitForTimeout(200);
  const bar = await readBar(page);
  assert.equal(norm(bar.roles['reco-toggle']).replace(/ +/g, ' ').trim(), norm(`${tr(lang, 'barRecoHeading')} (${want.length})`));
  want.forEach((r, i) => {
    assert.equal(bar.roles[`reco-title-${i}`].trim(), r.title, `title ${i}`);
    assert.equal(norm(bar.roles[`reco-price-${i}`]).trim(), norm(money(r.price, locale)), `price ${i}`);
    assert.equal(bar.attrs[`reco-title-${i}`].href, r.link, `link ${i}`);
    assert.ok(bar.boxes[`reco-title-${i}`], `item ${i} is visible once unfolded`);
  });
  assert.equal(bar.roles[`reco-title-${want.length}`], undefined, 'nothing more than the server gave');
  return { ids, want };
}

let withRecs;

test('a matched product page shows "Shoppers who viewed this next looked at" from the server, for the session; non-members get the default bar and log nothing', async () => {
  const all = await matchedPages();
  withRecs = all.filter((p) => p.recs > 0);
  assert.ok(withRecs.length >= 2, `matched demo pages with recommendations: ${withRecs.length} of ${all.length}`);
  const requests = [];
  br.context.on('request', (r) => {
    if (r.url().includes('/v1/recommendations')) requests.push({ url: r.url(), headers: r.headers() });
  });
  const c0 = await routeCounts();
  // Two product pages one after the other: the second asks with both ids, most recent last.
  const first = await openMatched(br, srv.other + withRecs[0].path);
  const { page, st, bar } = await openMatched(br, srv.other + withRecs[1].path);
  assert.deepEqual(await sessionIds(br), [first.st.productId, st.productId]);
  assert.equal(st.reco > 0, true, `recommendations shown: ${st.reco}`);
  // Not a panel member: the bar as shipped, and no experiment request or exposure at all.
  assert.equal(bar.attrs.bar['data-placement'], 'bottom');
  assert.equal(bar.attrs.bar['data-wording'], 'save');
  assert.equal(st.display.experiment, false);
  assert.ok(bar.boxes.bar.y > 400, `at the bottom (y=${bar.boxes.bar.y})`);
  const c1 = await routeCounts(); // before the test itself asks the API
  await assertRecommendations(br, page, 'en', 'en-US');
  await page.screenshot({ path: join(shots, 'bar-reco-en.png') });
  assert.equal(delta(c0, c1, 'GET /v1/recommendations'), 2, 'one request per matched page');
  assert.equal(delta(c0, c1, 'GET /v1/experiments'), 0, 'no assignment asked without consent');
  assert.equal(delta(c0, c1, 'POST /v1/experiments/exposures'), 0, 'no exposure without consent');
  // The requests as they left the browser (the service worker's, reported by Chromium to Playwright).
  assert.equal(requests.length, 2, requests.map((r) => r.url).join(' '));
  assert.equal(new URL(requests[0].url).searchParams.get('session'), first.st.productId);
  const u = new URL(requests[1].url);
  assert.equal(u.origin + u.pathname, `${srv.base}/v1/recommendations`);
  assert.deepEqual([...u.searchParams.keys()].sort(), ['k', 'session'], 'store product ids and k, nothing else');
  assert.equal(u.searchParams.get('session'), `${first.st.productId},${st.productId}`, 'most recent last');
  assert.equal(u.searchParams.get('k'), '3');
  for (const h of ['authorization', 'cookie', 'referer']) assert.ok(!requests[1].headers[h], `no ${h} header (${requests[1].headers[h]})`);
  await first.page.close();
  await page.close();
});

test('after joining the panel with product views, the bar follows the assigned variants and exposures reach the server', async () => {
  const ext = await br.context.newPage();
  await ext.goto(br.extUrl('options/options.html'));
  const bg = async (type, payload = {}) => {
    const res = await ext.evaluate(([t, p]) => chrome.runtime.sendMessage({ type: t, payload: p }), [type, payload]);
    assert.ok(res && res.ok, `${type}: ${JSON.stringify(res)}`);
    return res.data;
  };
  const install = async () => (await ext.evaluate(() => chrome.storage.local.get('install'))).install;
  // Use an install in the arms that differ from the default bar (the
  // assignment is a hash of the install id: register until one is).
  let a;
  for (let i = 0; i < 80; i++) {
    a = (await api('/v1/experiments', { token: (await install()).token })).assignments;
    if (a.bar_placement === 'top' && a.bar_wording === 'also_at' && a.show_history === 'no') break;
    await ext.evaluate(() => chrome.storage.local.remove('install'));
    await bg('register');
  }
  assert.deepEqual(a, { bar_placement: 'top', bar_wording: 'also_at', show_history: 'no' }, 'an install in the non-default arms');
  const c0 = await routeCounts();
  const notice = await api('/v1/notice?lang=en');
  await bg('panelJoin', { scopes: ['product_views'], notice_version: notice.version, lang: 'en' });
  assert.deepEqual((await api('/v1/consent', { token: (await install()).token })).active, ['product_views']);
  assert.equal(delta(c0, await routeCounts(), 'POST /v1/experiments/exposures'), 0, 'nothing logged by joining');

  const target = withRecs[2] || withRecs[0];
  const { page, st, bar } = await openMatched(br, srv.other + target.path);
  // Placement, wording and history as assigned (read through the API with the install token).
  assert.equal(bar.attrs.bar['data-placement'], a.bar_placement);
  assert.equal(bar.attrs.bar['data-wording'], a.bar_wording);
  assert.equal(bar.attrs.bar['data-history'], a.show_history);
  assert.equal(st.display.experiment, true);
  assert.ok(bar.boxes.bar.y < 100, `at the top (y=${bar.boxes.bar.y})`);
  const product = await api(`/v1/products/${encodeURIComponent(st.productId)}`);
  const storePrice = product.effective_price || product.offer.price;
  const deal = bar.roles.deal;
  if (pattern('en', 'barAlsoAtDearer').test(deal)) assert.match(deal, /dearer/);
  else if (!pattern('en', 'barSamePrice').test(deal)) assert.equal(deal, tr('en', 'barAlsoAt', [STORE, money(storePrice)]));
  assert.doesNotMatch(deal, /^Save /, 'no "Save" in the also_at arm');
  assert.ok(bar.roles['history-toggle'] !== undefined, 'history behind a click');
  assert.equal(bar.boxes.sparkline, undefined, 'folded');
  await clickRole(page, 'history-toggle');
  await page.waitForTimeout(150);
  assert.ok((await readBar(page)).boxes.sparkline, 'unfolded on click');
  await page.screenshot({ path: join(shots, 'bar-top-variant-en.png') });

  // The exposure goes out with the panel's batch (or at once): one per experiment, accepted by the server.
  await bg('panelFlush');
  let send;
  for (let i = 0; i < 50; i++) {
    send = (await ext.evaluate(() => chrome.storage.local.get('expoSend'))).expoSend;
    if (send?.accepted) break;
    await page.waitForTimeout(100);
  }
  assert.equal(send.accepted, 3, JSON.stringify(send));
  assert.equal(send.refused || 0, 0);
  assert.ok(delta(c0, await routeCounts(), 'POST /v1/experiments/exposures') >= 1, 'POST /v1/experiments/exposures');
  assert.deepEqual((await ext.evaluate(() => chrome.storage.local.get('expoQueue'))).expoQueue, []);
  await page.close();
  await bg('panelLeave');
  await ext.close();
});

test('in French (fr-FR): the bar and the recommendations speak French; an empty answer shows nothing', async () => {
  const fr = await launchBrowser(srv.base, { locale: 'fr-FR' });
  try {
    const ui = await fr.worker.evaluate(() => chrome.i18n.getUILanguage());
    assert.match(ui, /^fr/, `Chromium's UI language is ${ui}: French needs its locale files (Debian: apt-get install chromium-l10n)`);
    const all = await matchedPages();
    const empty = all.find((p) => p.recs === 0);
    if (empty) {
      const c0 = await routeCounts();
      const e = await openMatched(fr, srv.other + empty.path);
      assert.equal(e.st.reco, 0);
      assert.equal(e.bar.roles.reco, undefined, 'no recommendations row');
      assert.equal(delta(c0, await routeCounts(), 'GET /v1/recommendations'), 1, 'asked once, answered empty');
      await e.page.close();
    }
    const { page, bar, st } = await openMatched(fr, srv.other + withRecs[0].path);
    const headlineKey = { exact: 'barHeadlineExact', likely: 'barHeadlineLikely', possible: 'barHeadlinePossible' }[st.strength];
    assert.equal(bar.roles.headline, tr('fr', headlineKey, [STORE]));
    const deal = norm(bar.roles.deal);
    assert.ok(['barSave', 'barDearer', 'barSamePrice'].some((k) => pattern('fr', k).test(deal)), `French deal: "${deal}"`);
    assert.match(deal, /Économisez|plus cher|Même prix/);
    assert.equal(bar.roles['store-link'], tr('fr', 'barViewAt', [STORE]));
    assert.equal(bar.roles.watch, tr('fr', 'barWatch'));
    const product = await api(`/v1/products/${encodeURIComponent(st.productId)}`);
    assert.equal(norm(bar.roles['store-price']), norm(money(product.effective_price || product.offer.price, 'fr-FR')));
    await assertRecommendations(fr, page, 'fr', 'fr-FR');
    await page.screenshot({ path: join(shots, 'bar-fr.png') });
    if (!empty) assert.fail('every matched demo page has recommendations: the empty state was not exercised');
  } finally {
    await fr.close();
  }
});
