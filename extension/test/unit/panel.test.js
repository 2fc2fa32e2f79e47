// The Vitrine Panel on the device: UUIDv7 ids, the bounded queue and its
// backoff, consent gating, the never-collected checks, and the background's
// panel handlers with a fake storage, a fake clock and a fake server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoDir } from '../helpers.js';
import { uuidv7, uuidv7Time } from '../../src/panel/uuid7.js';
import { afterSend, backoffMs, enqueue, nextBatch, parseRetryAfter, settle } from '../../src/panel/queue.js';
import { activeScopes, blockedReason, buildEvent, collectURL, isNavigatingLink, mayCollect, normalizeUserDomain, productFacts, referrerDomain } from '../../src/panel/events.js';
import { compilePolicy } from '../../src/panel/scrub.js';
import { createPanel, PANEL_ALARM } from '../../src/background/panel.js';
import { ApiError } from '../../src/background/api.js';

const policyDoc = JSON.parse(readFileSync(join(repoDir, 'internal', 'policy', 'policy.json'), 'utf8'));
const cp = compilePolicy(policyDoc);
const member = (scopes, extra = {}) => ({ serverUrl: 'http://srv', member: true, paused: false, scopes, ...extra });

test('uuidv7: version, variant, time order, uniqueness', () => {
  const seen = new Set();
  let prev = '';
  for (let i = 0; i < 2000; i++) {
    const id = uuidv7(1_700_000_000_000 + i);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(uuidv7Time(id), 1_700_000_000_000 + i);
    assert.ok(id > prev, 'sorts by time');
    prev = id;
    seen.add(id);
  }
  assert.equal(seen.size, 2000);
  const fixed = uuidv7(0x0123456789ab, (b) => b.fill(0xff));
  assert.equal(fixed, '01234567-89ab-7fff-bfff-ffffffffffff');
  assert.throws(() => uuidv7(-1), RangeError);
});

test('queue: bounded (oldest dropped and counted), batches by count and bytes, settled by answered ids', () => {
  const ev = (i) => ({ id: `e${i}`, type: 'page_view', url: 'https://a.example/' + 'x'.repeat(i % 7) });
  let q = [];
  let dropped = 0;
  for (let i = 0; i < 12; i++) {
    const r = enqueue(q, [ev(i)], 10);
    q = r.queue;
    dropped += r.dropped;
  }
  assert.equal(q.length, 10);
  assert.equal(dropped, 2);
  assert.equal(q[0].id, 'e2', 'the oldest went first');
  assert.deepEqual(nextBatch(q, 3).map((e) => e.id), ['e2', 'e3', 'e4']);
  const big = nextBatch(q, 100, 200);
  assert.ok(big.length >= 1 && big.length < 10, `byte limit: ${big.length}`);
  assert.deepEqual(settle(q, ['e2', 'e5', 'nope']).map((e) => e.id), ['e3', 'e4', 'e6', 'e7', 'e8', 'e9', 'e10', 'e11']);
});

test('backoff: exponential, capped, jittered, never under Retry-After', () => {
  const lo = () => 0;
  const hi = () => 0.999999;
  assert.equal(backoffMs(1, { random: lo }), 15000);
  assert.equal(backoffMs(1, { random: hi }), 30000);
  assert.equal(backoffMs(3, { random: lo }), 60000);
  assert.equal(backoffMs(30, { random: () => 1 }), 3600000, 'capped at an hour');
  assert.equal(backoffMs(30, { random: lo }), 1800000);
  assert.equal(backoffMs(1, { random: lo, retryAfterMs: 120000 }), 120000);
  const spread = new Set(Array.from({ length: 50 }, () => backoffMs(4)));
  assert.ok(spread.size > 40, 'jitter spreads retries');
  assert.equal(parseRetryAfter('7'), 7000);
  assert.equal(parseRetryAfter(''), 0);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')), 60000);
  // What an attempt means for the queue.
  assert.deepEqual(afterSend({ answer: { accepted: 1 } }, 3, 1000), { remove: true, failures: 0, nextAt: 1000, refusedBatch: false });
  const r429 = afterSend({ status: 429, retryAfterMs: 5000 }, 0, 1000, { random: lo });
  assert.equal(r429.remove, false);
  assert.equal(r429.failures, 1);
  assert.equal(r429.nextAt, 1000 + 15000);
  const r429b = afterSend({ status: 429, retryAfterMs: 90000 }, 0, 1000, { random: lo });
  assert.equal(r429b.nextAt, 91000, 'Retry-After honoured');
  assert.equal(afterSend({ network: true }, 2, 0, { random: hi }).failures, 3);
  assert.equal(afterSend({ status: 503 }, 0, 0).remove, false);
  assert.deepEqual(afterSend({ status: 400 }, 5, 7), { remove: true, failures: 0, nextAt: 7, refusedBatch: true });
});

test('consent gating: nothing without membership, while paused, or outside the consented scopes', () => {
  assert.deepEqual(activeScopes(null), []);
  assert.deepEqual(activeScopes({ member: false, scopes: ['page_views'] }), []);
  assert.deepEqual(activeScopes(member(['page_views'], { paused: true })), []);
  assert.deepEqual(activeScopes(member(['page_views'], { pending: 'withdraw' })), []);
  assert.deepEqual(activeScopes(member(['page_views', 'made_up'])), ['page_views']);
  assert.equal(mayCollect(member(['page_views']), 'page_view'), true);
  assert.equal(mayCollect(member(['page_views']), 'link_click'), false);
  assert.equal(mayCollect(member(['page_views']), 'comparison_shown'), false);
  assert.equal(mayCollect(member(['product_views']), 'comparison_clicked'), true);
});

const ctx = (extra = {}) => ({ cp, ownDomains: ['127.0.0.1', 'store.example'], userSensitive: ['mybank.example'], panel: member(['page_views', 'link_clicks', 'product_views']), now: Date.parse('2026-11-28T12:00:10.000Z'), newId: (t) => uuidv7(t), ...extra });

test('never collected: policy categories, the shopper list, the store, non-http, and subdomains of each', () => {
  assert.equal(blockedReason('www.chase.com', ctx()), 'sensitive:banking');
  assert.equal(blockedReason('secure.mybank.example', ctx()), 'user_list');
  assert.equal(blockedReason('www.store.example', ctx()), 'own_site');
  assert.equal(blockedReason('127.0.0.1', ctx()), 'own_site');
  assert.equal(blockedReason('localhost', ctx()), '');
  assert.equal(collectURL('https://www.chase.com/x', ctx()).ok, false);
  assert.equal(collectURL('chrome://settings', ctx()).reason, 'not_collectable');
  assert.deepEqual(collectURL('http://localhost:8080/a/jane@x.fr?utm_source=y#z', ctx()), { ok: true, url: 'http://localhost:8080/a/:email' });
  assert.equal(referrerDomain('https://www.Google.com/search?q=secret', ctx()), 'www.google.com');
  assert.equal(referrerDomain('https://mail.google.com/mail/u/0', ctx()), '', 'a webmail referrer is not named');
  assert.equal(referrerDomain('https://mybank.example/acct', ctx()), '');
  assert.equal(referrerDomain('', ctx()), '');
  assert.equal(normalizeUserDomain(' https://WWW.MyBank.example/login '), 'mybank.example');
  assert.equal(normalizeUserDomain('*.clinic.example'), 'clinic.example');
  assert.equal(normalizeUserDomain('not a domain'), null);
});

test('links: only clicks that leave the page', () => {
  assert.equal(isNavigatingLink('https://a.example/p#reviews', 'https://a.example/p'), false);
  assert.equal(isNavigatingLink('https://a.example/q', 'https://a.example/p'), true);
  assert.equal(isNavigatingLink('mailto:x@y.z', 'https://a.example/p'), false);
  assert.equal(isNavigatingLink('javascript:void(0)', 'https://a.example/p'), false);
  assert.equal(isNavigatingLink('https://a.example/file.pdf', 'https://a.example/p', { download: true }), false);
});

test('buildEvent: each type, scrubbed addresses only, consent and private windows checked again', () => {
  const pv = buildEvent({ type: 'page_view', url: 'http://localhost:8080/demo/shop/about', referrer_domain: 'news.example', dwell_ms: 4000 }, ctx());
  assert.equal(pv.event.type, 'page_view');
  assert.equal(pv.event.ts, '2026-11-28T12:00:06.000Z', 'the visit started dwell ms ago');
  assert.equal(uuidv7Time(pv.event.id), Date.parse(pv.event.ts));
  assert.deepEqual(Object.keys(pv.event).sort(), ['dwell_ms', 'id', 'referrer_domain', 'ts', 'type', 'url']);
  assert.equal(buildEvent({ type: 'page_view', url: 'http://localhost:8080/a?utm_source=x', referrer_domain: '', dwell_ms: 1 }, ctx()).skip, 'not_scrubbed');
  assert.equal(buildEvent({ type: 'page_view', url: 'https://www.chase.com/', referrer_domain: '', dwell_ms: 1 }, ctx()).skip, 'not_collectable');
  assert.equal(buildEvent({ type: 'page_view', url: 'http://localhost/a', referrer_domain: 'www.chase.com', dwell_ms: 1 }, ctx()).event.referrer_domain, '');
  assert.equal(buildEvent({ type: 'page_view', url: 'http://localhost/a', referrer_domain: '', dwell_ms: 1 }, ctx({ incognito: true })).skip, 'private_window');
  assert.equal(buildEvent({ type: 'page_view', url: 'http://localhost/a', referrer_domain: '', dwell_ms: 1 }, ctx({ panel: member(['link_clicks']) })).skip, 'no_consent');
  assert.equal(buildEvent({ type: 'page_view', url: 'http://localhost/a', referrer_domain: '', dwell_ms: 1 }, ctx({ panel: null })).skip, 'no_consent');
  const lc = buildEvent({ type: 'link_click', from: 'http://localhost/a', to: 'https://other.example/b' }, ctx());
  assert.deepEqual([lc.event.from, lc.event.to], ['http://localhost/a', 'https://other.example/b']);
  assert.equal(buildEvent({ type: 'link_click', from: 'http://localhost/a', to: 'https://store.example/b' }, ctx()).skip, 'own_site');
  const facts = { title: 'Tee', brand: 'N', gtin: '00190987654324', price: '9.00', currency: 'USD', price_is_range: false, image: 'https://cdn.example/t.jpg', variants: { size: 'M' } };
  const pr = buildEvent({ type: 'product_view', url: 'http://localhost/p/tee', facts }, ctx());
  assert.equal(pr.event.facts.image, undefined, 'no image address: the notice does not list it');
  assert.deepEqual(pr.event.facts, productFacts(facts));
  const cs = buildEvent({ type: 'comparison_shown', domain: 'LOCALHOST', product_id: 'tv-1', status: 'match' }, ctx());
  assert.deepEqual([cs.event.domain, cs.event.status], ['localhost', 'match']);
  assert.equal(buildEvent({ type: 'comparison_clicked', domain: 'mail.google.com', product_id: 'tv-1', status: 'match' }, ctx()).skip, 'sensitive:webmail');
});

// A fake WebExtension API: storage.local in a Map (JSON round trips, as
// the browser stores it), alarms, tabs, i18n.
function fakeExt() {
  const data = new Map();
  const alarmMap = new Map();
  const tabs = [];
  const clone = (v) => JSON.parse(JSON.stringify(v));
  const area = {
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
  return {
    data, alarmMap, opened: tabs,
    storage: { local: area },
    alarms: { get: async (n) => alarmMap.get(n), create: async (n, o) => alarmMap.set(n, { name: n, ...o }), clear: async (n) => alarmMap.delete(n) },
    tabs: { create: async (o) => tabs.push(o) },
    i18n: { getMessage: (k) => k },
  };
}

// A fake server that applies consent like the real one and counts requests.
function fakeServer() {
  const s = { consent: { member: false, paused: false, scopes: [] }, events: [], requests: [], failNext: 0, retryAfter: 0, gpc: false, redemptions: new Map() };
  const rec = (name) => s.requests.push(name);
  s.client = {
    policy: async () => (rec('policy'), policyDoc),
    notice: async () => (rec('notice'), { version: policyDoc.notice_version, text: 'n', hash: 'h' }),
    campaign: async () => (rec('campaign'), { campaign: null }),
    getConsent: async () => (rec('getConsent'), { state: s.consent }),
    consent: async (_srv, _tok, b) => {
      rec(`consent:${b.action}`);
      if (b.action === 'grant' && s.gpc) throw new ApiError('forbidden', 'Sec-GPC: 1', 403);
      const c = s.consent;
      if (b.action === 'grant') s.consent = { member: true, paused: false, scopes: [...new Set([...(c.member ? c.scopes : []), ...b.scopes])], notice_version: b.notice_version };
      else if (b.action === 'revoke') s.consent = { ...c, scopes: c.scopes.filter((x) => !b.scopes.includes(x)) };
      else if (b.action === 'pause') s.consent = { ...c, paused: true };
      else if (b.action === 'resume') s.consent = { ...c, paused: false };
      else if (b.action === 'withdraw') s.consent = { member: false, paused: false, scopes: [] };
      return { state: s.consent, notice_hash: 'h' };
    },
    events: async (_srv, _tok, evs) => {
      rec('events');
      if (s.failNext > 0) {
        s.failNext--;
        throw Object.assign(new ApiError('unavailable', 'busy', 429), { retryAfterMs: s.retryAfter });
      }
      const active = s.consent.member && !s.consent.paused;
      let accepted = 0;
      const refusals = [];
      evs.forEach((e, i) => {
        if (!active) refusals.push({ index: i, id: e.id, reason: 'no active consent for the scope' });
        else if (s.events.some((x) => x.id === e.id)) accepted += 0;
        else {
          s.events.push(e);
          accepted++;
        }
      });
      return { accepted, duplicate: evs.length - accepted - refusals.length, refused: refusals.length, refusals };
    },
    redeem: async (_srv, _tok, key) => {
      rec('redeem');
      if (!s.redemptions.has(key)) s.redemptions.set(key, { code: `CREDIT-${s.redemptions.size + 1}`, amount: { amount: '10.00', currency: 'USD' } });
      if (s.failNext > 0) {
        s.failNext--;
        throw new ApiError('network', 'lost the answer');
      }
      return s.redemptions.get(key);
    },
  };
  return s;
}

function setup() {
  const ext = fakeExt();
  const srv = fakeServer();
  let clock = Date.parse('2026-11-28T12:00:00.000Z');
  const install = async () => ({ server: 'http://srv', token: 'tok', installId: 'ins_1' });
  const panel = createPanel({
    ext, client: srv.client, install, authed: (fn) => fn('http://srv', 'tok'), serverUrl: async () => 'http://srv',
    storeConfig: async () => ({ store: { domains: ['127.0.0.1'] } }), now: () => new Date(clock), random: () => 0.5,
  });
  const sender = (url) => ({ id: 'x', url, tab: { id: 1, incognito: false } });
  const pv = (path, dwell = 100) => ({ type: 'page_view', url: `http://localhost:8080${path}`, referrer_domain: '', dwell_ms: dwell });
  const tick = (ms) => {
    clock += ms;
  };
  return { ext, srv, panel, h: panel.handlers, sender, pv, tick };
}

test('background: before joining nothing is queued or requested; joining records the notice version and schedules sending', async () => {
  const { ext, srv, h, sender, pv } = setup();
  const r = await h.panelEvent(pv('/a'), sender('http://localhost:8080/a'));
  assert.deepEqual(r, { queued: false, reason: 'no_consent' });
  assert.deepEqual(srv.requests, [], 'not one request without consent');
  assert.equal(ext.data.has('panelQueue'), false);
  assert.equal(ext.alarmMap.size, 0, 'no panel alarm without consent');

  const st = await h.panelJoin({ scopes: ['page_views'], notice_version: policyDoc.notice_version, lang: 'en' });
  assert.deepEqual(st.active, ['page_views']);
  assert.ok(ext.alarmMap.has(PANEL_ALARM));
  assert.ok(ext.data.get('panelPolicy').doc.scrub, 'the policy is cached for the content scripts');
  assert.deepEqual((await h.panelEvent(pv('/a'), sender('http://localhost:8080/a'))).queued, true);
  assert.deepEqual((await h.panelEvent({ type: 'link_click', from: 'http://localhost:8080/a', to: 'http://localhost:8080/b' }, sender('http://localhost:8080/a'))).reason, 'no_consent', 'link clicks were not consented');
  assert.equal((await h.panelEvent(pv('/a'), { ...sender('http://localhost:8080/a'), tab: { incognito: true } })).reason, 'private_window');
  assert.equal((await h.panelEvent(pv('/a'), sender('http://elsewhere.example/'))).reason, 'not_this_page');
  assert.equal(ext.data.get('panelQueue').length, 1);
});

test('background: batches leave at 50 queued or on the alarm; answered events leave the queue; 429 backs off with Retry-After', async () => {
  const { ext, srv, panel, h, sender, pv, tick } = setup();
  await h.panelJoin({ scopes: ['page_views'], notice_version: policyDoc.notice_version, lang: 'en' });
  for (let i = 0; i < 10; i++) await h.panelEvent(pv(`/p${i}`), sender(`http://localhost:8080/p${i}`));
  assert.equal(srv.requests.filter((x) => x === 'events').length, 0, 'under 50: waits for the alarm');
  srv.failNext = 1;
  srv.retryAfter = 120000;
  await panel.onAlarm();
  assert.equal(ext.data.get('panelQueue').length, 10, 'kept after a 429');
  const send = ext.data.get('panelSend');
  assert.equal(send.failures, 1);
  assert.ok(send.nextAt >= Date.parse('2026-11-28T12:00:00.000Z') + 120000, 'Retry-After honoured');
  tick(60000);
  await panel.onAlarm();
  assert.equal(srv.requests.filter((x) => x === 'events').length, 1, 'no attempt before nextAt');
  tick(61000);
  await panel.onAlarm();
  assert.equal(ext.data.get('panelQueue').length, 0);
  assert.equal(srv.events.length, 10);
  assert.equal(ext.data.get('panelSend').accepted, 10);
  // 50 queued: sent at once.
  for (let i = 0; i < 50; i++) await h.panelEvent(pv(`/q${i}`), sender(`http://localhost:8080/q${i}`));
  await new Promise((r) => setTimeout(r, 20));
  await panel.flush();
  assert.equal(srv.events.length, 60);
  assert.equal(new Set(srv.events.map((e) => e.id)).size, 60, 'unique ids');
});

test('background: pause sends what was collected, then nothing is collected or sent; resume; leave drops the queue', async () => {
  const { ext, srv, panel, h, sender, pv } = setup();
  await h.panelJoin({ scopes: ['page_views', 'link_clicks'], notice_version: policyDoc.notice_version, lang: 'en' });
  await h.panelEvent(pv('/before'), sender('http://localhost:8080/before'));
  await h.panelPause();
  assert.equal(srv.events.length, 1, 'flushed before pausing');
  assert.equal(srv.consent.paused, true);
  assert.equal((await h.panelEvent(pv('/during'), sender('http://localhost:8080/during'))).reason, 'no_consent');
  const n = srv.requests.length;
  await panel.onAlarm();
  assert.equal(srv.requests.slice(n).filter((x) => x === 'events').length, 0, 'nothing sent while paused');
  await h.panelResume();
  assert.equal(srv.consent.paused, false);
  for (let i = 0; i < 3; i++) await h.panelEvent(pv(`/r${i}`), sender(`http://localhost:8080/r${i}`));
  srv.failNext = 5; // the server is down: the events stay queued...
  await panel.flush({ force: true });
  assert.equal(ext.data.get('panelQueue').length, 3);
  await h.panelLeave(); // ...until the shopper leaves: then they are dropped, unsent
  assert.equal(ext.data.get('panelQueue').length, 0);
  assert.equal(srv.consent.member, false);
  assert.equal(ext.alarmMap.has(PANEL_ALARM), false);
  assert.equal(srv.events.length, 1);
  assert.equal((await h.panelEvent(pv('/after'), sender('http://localhost:8080/after'))).reason, 'no_consent');
});

test('background: a withdrawal from the dashboard is noticed and drops the queue; the shopper list purges queued events', async () => {
  const { ext, srv, h, sender, pv, tick, panel } = setup();
  await h.panelJoin({ scopes: ['page_views'], notice_version: policyDoc.notice_version, lang: 'en' });
  await h.panelEvent(pv('/a'), sender('http://localhost:8080/a'));
  await h.panelEvent({ type: 'page_view', url: 'http://clinic.example/x', referrer_domain: '', dwell_ms: 1 }, sender('http://clinic.example/x'));
  await h.setUserSensitive({ domains: ['https://www.clinic.example/'] });
  assert.deepEqual(ext.data.get('userSensitive'), ['clinic.example']);
  assert.deepEqual(ext.data.get('panelQueue').map((e) => e.url), ['http://localhost:8080/a']);
  await assert.rejects(h.setUserSensitive({ domains: ['not a site'] }), /optionsSensitiveBad/);
  srv.consent = { member: false, paused: false, scopes: [] }; // withdrawn on the dashboard
  tick(2 * 3600 * 1000);
  await panel.onAlarm();
  assert.equal(ext.data.get('panel').member, false);
  assert.equal(ext.data.get('panelQueue').length, 0);
});

test('background: a refused grant (Sec-GPC) changes nothing; redeem reuses its idempotency key until answered', async () => {
  const { ext, srv, h } = setup();
  srv.gpc = true;
  await assert.rejects(h.panelJoin({ scopes: ['page_views'], notice_version: policyDoc.notice_version, lang: 'en' }), (e) => e.code === 'forbidden');
  assert.equal(ext.data.get('panel'), undefined);
  assert.equal(ext.alarmMap.size, 0);
  srv.failNext = 1;
  await assert.rejects(h.redeem(), /lost the answer/);
  const key = ext.data.get('redeemKey');
  assert.ok(key);
  const r = await h.redeem();
  assert.equal(r.code, 'CREDIT-1', 'the retry got the code of the first attempt');
  assert.equal(srv.redemptions.size, 1);
  assert.equal(ext.data.has('redeemKey'), false);
});
