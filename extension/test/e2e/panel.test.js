// The Vitrine Panel end to end, in Debian's Chromium against a real
// `vitrine serve --demo`: the consent screen (notice verbatim, reward
// terms, no switch on), joining with page views only, what the server then
// holds (read back through the shopper's own dashboard export, opened with
// the extension's one-time login link), a banking site and an email in a
// path, pause, a service-worker restart with events queued, and the
// rewards flow (link, earn, redeem, delete a site, leave, keep the reward).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, startServer } from './harness.js';
import { extDir } from '../helpers.js';

const shots = join(extDir, 'test', 'screenshots');
mkdirSync(shots, { recursive: true });

let srv;
let br;
let extPage; // an extension page to talk to the background from
let adminToken;

before(async () => {
  srv = await startServer();
  // A banking site, served by the demo server under the bank's host name.
  br = await launchBrowser(srv.base, { args: ['--host-resolver-rules=MAP www.chase.com 127.0.0.1'] });
  const out = execFileSync(srv.bin, ['user', 'create', '--db', `sqlite:${srv.db}`, '--email', 'ops@x.example', '--role', 'admin', '--api-token'], { encoding: 'utf8', env: { ...process.env, VITRINE_PASSWORD: 'e2e-operator-password' } });
  adminToken = (out.match(/API token.*\):\s*(\S+)/) || [])[1];
  assert.ok(adminToken, `an admin API token in: ${out}`);
});

after(async () => {
  if (br) await br.close();
  if (srv) await srv.stop();
});

async function api(path, { token, method = 'GET', body, ok = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body) headers['Content-Type'] = 'application/json';
  const r = await fetch(srv.base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  if (ok) assert.ok(r.ok, `${method} ${path}: HTTP ${r.status} ${r.ok ? '' : await r.clone().text()}`);
  return r.status === 204 ? null : r.json();
}

async function eventsPosts() {
  const txt = await (await fetch(`${srv.base}/metrics`)).text();
  const m = txt.match(/^vitrine_http_request_duration_seconds_count\{route="POST \/v1\/events"\} (\d+)/m);
  return m ? Number(m[1]) : 0;
}

async function bg(type, payload = {}) {
  const res = await extPage.evaluate(([t, p]) => chrome.runtime.sendMessage({ type: t, payload: p }), [type, payload]);
  assert.ok(res && res.ok, `${type}: ${JSON.stringify(res)}`);
  return res.data;
}

async function localStore(keys) {
  return extPage.evaluate((k) => chrome.storage.local.get(k), keys);
}

async function token() {
  return (await localStore('install')).install.token;
}

/** The shopper's data as the server holds it: the dashboard's JSON export, with the session the login link set in this browser. */
async function exported() {
  const r = await br.context.request.get(`${srv.base}/me/export.json`);
  assert.equal(r.status(), 200, 'export (dashboard session)');
  return (await r.json()).events;
}

/** Visits pages one after the other in one tab (leaving a page ends its page view), then a last neutral page. */
async function browse(urls) {
  const page = await br.context.newPage();
  const statuses = {};
  for (const u of urls) {
    statuses[u] = (await page.goto(u))?.status();
    await page.waitForTimeout(700);
  }
  await page.goto('about:blank');
  await page.waitForTimeout(300);
  await page.close();
  return statuses;
}

let campaign;

test('the consent screen: every switch off, the notice verbatim with its hash, the reward terms', async () => {
  for (let i = 0; i < 100 && !(await br.worker.evaluate(() => chrome.storage.local.get('install'))).install; i++) await new Promise((r) => setTimeout(r, 100));
  extPage = await br.context.newPage();
  await extPage.goto(br.extUrl('options/options.html'));
  const now = Date.now();
  campaign = await api('/v1/admin/campaigns', {
    method: 'POST', token: adminToken,
    body: { name: 'Panel launch', reward: { amount: '10.00', currency: 'USD' }, budget: { amount: '1000.00', currency: 'USD' }, starts_at: new Date(now - 3600e3).toISOString(), ends_at: new Date(now + 30 * 86400e3).toISOString(), new_installs_only: false, min_active_days: 1, min_page_views: 1 },
  });
  const page = await br.context.newPage();
  await page.setViewportSize({ width: 900, height: 1400 });
  await page.goto(br.extUrl('consent/consent.html'));
  await page.waitForSelector('body[data-ready="1"]');
  const boxes = await page.$$eval('#scopes input[type=checkbox]', (xs) => xs.map((x) => ({ v: x.value, on: x.checked })));
  assert.deepEqual(boxes, [{ v: 'page_views', on: false }, { v: 'link_clicks', on: false }, { v: 'product_views', on: false }], 'one switch per scope of the policy, none on');
  assert.equal(await page.$eval('#join', (b) => b.disabled), true, 'cannot join with nothing switched on');
  const notice = await api('/v1/notice?lang=en');
  assert.equal(await page.$eval('#notice', (n) => n.textContent), notice.text, 'the notice, verbatim');
  assert.ok((await page.textContent('#notice-meta')).includes(notice.hash));
  const never = await page.textContent('#never');
  assert.match(never, /private or incognito/);
  assert.match(never, /banking \(\d+ sites\)/);
  assert.match(never, /127\.0\.0\.1/, "the store's own domain");
  assert.match(await page.textContent('#purposes'), /groups of at least 10 shoppers/);
  assert.match(await page.textContent('#reward-summary'), /Panel launch: \$10\.00 store credit/);
  assert.match(await page.textContent('#reward-terms'), /once per store account/);
  await page.screenshot({ path: join(shots, 'consent-en.png'), fullPage: true });

  await page.check('#scope-page_views');
  await page.click('#join');
  await page.waitForFunction(() => document.getElementById('result').className === 'ok');
  const c = await api('/v1/consent', { token: await token() });
  assert.deepEqual(c.active, ['page_views']);
  assert.equal(c.history.at(-1).notice_hash, notice.hash, 'the consent record carries the hash of the text shown');
  await page.close();
});

test('joined with page views only: scrubbed page views reach the server, nothing else; a bank and an email never do as such', async () => {
  const otherBase = srv.other;
  const products = [...(await (await fetch(`${srv.base}/demo/shop/`)).text()).matchAll(/\/demo\/shop\/p\/[^"'?#\s]+/g)].map((m) => m[0]);
  const before = await eventsPosts();
  const bank = `http://www.chase.com:${srv.port}/demo/shop/about`;
  const statuses = await browse([
    `${otherBase}/demo/shop/about?utm_source=newsletter&page=2#cookies`,
    `${otherBase}${products[0]}`, // a product page: the bar shows, but product views were not consented
    `${otherBase}/demo/shop/account/jane.doe@example.com/orders`,
    bank,
    `${otherBase}/demo/shop/`,
  ]);
  assert.equal(statuses[bank], 200, 'the banking site was really visited');
  // A link click (not consented either).
  const page = await br.context.newPage();
  await page.goto(`${otherBase}/demo/shop/about`);
  const href = await page.$eval('a[href*="/demo/shop/"]', (a) => a.href);
  await Promise.all([page.waitForURL((u) => u.href !== `${otherBase}/demo/shop/about`), page.click(`a[href="${href.replace(/"/g, '\\"')}"]`)]);
  await page.waitForTimeout(500);
  await page.close();

  const { panelQueue } = await localStore('panelQueue');
  assert.ok(panelQueue.length >= 4, `page views queued on the device (${panelQueue.length})`);
  assert.ok(panelQueue.every((e) => e.type === 'page_view'));
  assert.doesNotMatch(JSON.stringify(panelQueue), /chase|jane/, 'left out on the device, not refused by the server');
  await bg('panelFlush');
  assert.equal((await localStore('panelSend')).panelSend.refused || 0, 0, 'the server refused nothing');
  assert.ok((await eventsPosts()) > before, 'sent to POST /v1/events');
  assert.equal((await localStore('panelQueue')).panelQueue.length, 0, 'answered events leave the queue');

  // Read back what the server stored, as the shopper: the dashboard export.
  await bg('openDashboard');
  let dash;
  for (let i = 0; i < 50 && !dash; i++) {
    dash = br.context.pages().find((p) => p.url().startsWith(`${srv.base}/me`));
    if (!dash) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(dash, 'the dashboard opened in a new tab');
  await dash.waitForLoadState();
  assert.doesNotMatch(dash.url(), /login\?t=/, 'the one-time link was exchanged for a session');
  const evs = await exported();
  assert.ok(evs.length >= 4, `${evs.length} events stored`);
  assert.deepEqual([...new Set(evs.map((e) => e.type))], ['page_view'], 'page views and nothing else');
  const urls = evs.map((e) => e.payload.url);
  assert.ok(urls.includes(`${otherBase}/demo/shop/about?page=2`), `scrubbed query and fragment: ${urls.join(' ')}`);
  assert.ok(urls.includes(`${otherBase}/demo/shop/account/:email/orders`), 'the email in the path replaced');
  assert.ok(urls.includes(`${otherBase}${products[0]}`), 'the product page, as a page view');
  const all = JSON.stringify(evs);
  assert.doesNotMatch(all, /jane\.doe|example\.com\/orders|utm_|newsletter|#cookies/);
  assert.doesNotMatch(all, /chase/, 'the banking site never reached the server');
  for (const e of evs) {
    assert.match(e.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7/, 'UUIDv7 ids');
    assert.equal(typeof e.payload.dwell_ms, 'number');
    assert.ok(!('referrer' in e.payload));
  }
  await dash.close();
});

test('the popup shows sharing active; pausing stops collecting and sending', async () => {
  const popup = await br.context.newPage();
  await popup.setViewportSize({ width: 380, height: 900 });
  await popup.goto(br.extUrl('popup/popup.html'));
  await popup.waitForSelector('body[data-ready="1"]');
  assert.equal(await popup.getAttribute('body', 'data-panel'), 'active');
  assert.match(await popup.textContent('#panel-state'), /Sharing active: page views/);
  await popup.screenshot({ path: join(shots, 'popup-panel-en.png'), fullPage: true });
  await popup.click('#panel-pause');
  await popup.waitForSelector('body[data-panel="paused"]');
  assert.equal((await api('/v1/consent', { token: await token() })).state.paused, true);
  const posts = await eventsPosts();
  const stored = (await exported()).length;
  await browse([`${srv.other}/demo/shop/about?paused=1`, `${srv.other}/demo/shop/`]);
  assert.equal((await localStore('panelQueue')).panelQueue.length, 0, 'nothing collected while paused');
  await bg('panelFlush');
  assert.equal(await eventsPosts(), posts, 'no POST /v1/events while paused');
  assert.equal((await exported()).length, stored);
  await popup.click('#panel-resume');
  await popup.waitForSelector('body[data-panel="active"]');
  await popup.close();
});

test('queued events survive a service-worker restart and are sent afterwards', async () => {
  await browse([`${srv.other}/demo/shop/about?restart=1`, `${srv.other}/demo/shop/?restart=2`]);
  // A page view is queued when its page is left; on a loaded machine the
  // last one may take a moment to reach the service worker.
  let queued = [];
  for (let i = 0; i < 100; i++) {
    queued = (await localStore('panelQueue')).panelQueue || [];
    if (queued.length >= 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(queued.length >= 2, `queued: ${queued.length}`);
  const ids = queued.map((e) => e.id);
  const stored = new Set((await exported()).map((e) => e.id));
  assert.ok(ids.every((id) => !stored.has(id)), 'not sent yet (fewer than 50, before the alarm)');

  // Stop the extension's service worker, as Chrome does when it is idle
  // (DevTools' ServiceWorker domain, from a page of the extension's origin).
  const cdp = await br.context.newCDPSession(extPage);
  const status = new Map();
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) if (v.scriptURL.endsWith('/background/main.js')) status.set(v.versionId, v.runningStatus);
  });
  await cdp.send('ServiceWorker.enable');
  for (let i = 0; i < 50 && ![...status.values()].includes('running'); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok([...status.values()].includes('running'), `the worker runs (${[...status.values()]})`);
  await cdp.send('ServiceWorker.stopAllWorkers');
  for (let i = 0; i < 100 && [...status.values()].some((x) => x !== 'stopped'); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok([...status.values()].every((x) => x === 'stopped'), `the worker stopped (${[...status.values()]})`);
  await cdp.detach();
  // The queue is still on the device...
  assert.deepEqual((await localStore('panelQueue')).panelQueue.map((e) => e.id), ids);
  // ...and a new worker sends it.
  await bg('panelFlush');
  const after = new Set((await exported()).map((e) => e.id));
  assert.ok(ids.every((id) => after.has(id)), 'every queued event reached the server after the restart');
});

test('rewards: link the store account, earn the credit, redeem it; delete a site; leave the panel and keep the reward', async () => {
  // A link code from the store's account page.
  const shop = await br.context.newPage();
  await shop.goto(`${srv.base}/shop/account`);
  await Promise.all([shop.waitForLoadState(), shop.click('form[action="/shop/account/link-code"] button')]);
  await shop.waitForSelector('#link-code');
  const code = (await shop.textContent('#link-code')).trim();
  await shop.close();

  const popup = await br.context.newPage();
  await popup.setViewportSize({ width: 380, height: 900 });
  await popup.goto(br.extUrl('popup/popup.html'));
  await popup.waitForSelector('body[data-ready="1"]');
  await popup.fill('#link-code', code);
  await popup.click('#link-form button');
  await popup.waitForFunction(() => /Account linked/.test(document.getElementById('reward-linked').textContent));
  // The rule (1 active day with 1 page view) is met by the page views already stored.
  await popup.reload();
  await popup.waitForSelector('body[data-ready="1"]');
  assert.match(await popup.textContent('#reward-progress'), /Reward earned: \$10\.00/);
  assert.match(await popup.textContent('#reward-balance'), /\$10\.00/);
  await popup.screenshot({ path: join(shots, 'popup-rewards-en.png'), fullPage: true });
  await popup.click('#redeem');
  await popup.waitForSelector('#redeem-code:not([hidden])');
  const shown = await popup.textContent('#redeem-code');
  const { lastRedemption } = await localStore('lastRedemption');
  assert.ok(shown.includes(lastRedemption.code) && lastRedemption.code.length >= 6, shown);
  const rw = await api('/v1/rewards', { token: await token() });
  assert.equal(Number(rw.balance.amount), 0, 'balance redeemed');

  // Delete one site from the dashboard: its events are gone.
  await bg('openDashboard');
  let dash;
  for (let i = 0; i < 50 && !dash; i++) {
    dash = br.context.pages().find((p) => p.url().startsWith(`${srv.base}/me`));
    if (!dash) await new Promise((r) => setTimeout(r, 100));
  }
  await dash.waitForLoadState();
  // The dashboard shows the earned credit too.
  const rewardText = await dash.textContent('#reward');
  assert.match(rewardText, /You earned 10\.00 USD/, rewardText);
  const beforeDel = await exported();
  assert.ok(beforeDel.some((e) => e.domain === 'localhost'));
  await Promise.all([dash.waitForLoadState(), dash.click('form[action="/me/delete"]:has(input[name="site"][value="localhost"]) button')]);
  await dash.waitForTimeout(300);
  assert.equal((await exported()).filter((e) => e.domain === 'localhost').length, 0, 'the site is deleted');
  assert.match(await dash.textContent('#receipt'), /everything from localhost/);
  // ... and from the dashboard's pages: the by-site table and the event list.
  await dash.goto(`${srv.base}/me`);
  assert.doesNotMatch(await dash.textContent('#by-site'), /localhost/);
  assert.doesNotMatch(await dash.textContent('#events'), /localhost/);
  await dash.close();

  // Leave the panel from the popup; the reward stays.
  await popup.click('#panel-leave');
  await popup.click('#leave-yes');
  await popup.waitForSelector('body[data-panel="off"]');
  const c = await api('/v1/consent', { token: await token() });
  assert.equal(c.state.member, false);
  const after = await api('/v1/rewards', { token: await token() });
  assert.equal(after.progress.earned, true, 'the reward survives leaving and deleting');
  const posts = await eventsPosts();
  await browse([`${srv.other}/demo/shop/about?left=1`]);
  assert.equal((await localStore('panelQueue')).panelQueue.length, 0);
  await bg('panelFlush');
  assert.equal(await eventsPosts(), posts, 'nothing sent after leaving');
  await popup.close();
  void campaign;
});
