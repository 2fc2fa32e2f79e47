// The Vitrine Panel in the background: consent (join, change scopes,
// pause, resume, leave), the collection policy cache, the event queue and
// its sending, rewards and the dashboard link. Every piece of state is in
// storage.local, read again on each call: the service worker may be
// stopped between any two of them.
//
// storage.local keys:
//   panel         {serverUrl, installId, member, paused, scopes, noticeVersion, noticeHash, since, checkedAt, pending}
//   panelPolicy   {serverUrl, at, doc (GET /v1/policy), ownDomains}
//   panelQueue    [event...]  (oldest first; at most QUEUE_MAX)
//   panelSend     {failures, nextAt, lastAttemptAt, lastOkAt, lastError, accepted, duplicate, refused, lastRefusals}
//   panelDropped  number of events dropped because the queue was full
//   userSensitive [domain...] the shopper's own "never collect" list
//   redeemKey     idempotency key of a redemption not yet answered
//   lastRedemption {code, amount, at}

import { ApiError } from './api.js';
import { compilePolicy } from '../panel/scrub.js';
import { activeScopes, blockedReason, buildEvent, normalizeUserDomain, SCOPES } from '../panel/events.js';
import { afterSend, enqueue, nextBatch, SEND_AT, SEND_EVERY_MIN, settle } from '../panel/queue.js';
import { uuidv7 } from '../panel/uuid7.js';
import { hostOf } from '../shared/host.js';

export const PANEL_ALARM = 'vitrine-panel';
const POLICY_TTL_MS = 24 * 60 * 60 * 1000;
const CONSENT_TTL_MS = 60 * 60 * 1000;
const MAX_BATCHES_PER_FLUSH = 10;
const MAX_USER_DOMAINS = 500;

/**
 * deps: {ext, client (apiClient), install ({register}) => {server, token,
 * installId}, authed (fn) => fn(server, token), serverUrl () => string,
 * storeConfig () => config, now () => Date, random () => [0, 1), newId (ms) => uuid}.
 */
export function createPanel({ ext, client, install, authed, serverUrl, storeConfig, now = () => new Date(), random = Math.random, newId = uuidv7, experiments = null }) {
  const local = ext.storage.local;
  const t = (k, s) => ext.i18n.getMessage(k, s) || k;

  // Read-modify-write of the queue is serialised inside this worker (a
  // lock, not state: a new worker starts with no operation in flight).
  let chain = Promise.resolve();
  const locked = (fn) => {
    const p = chain.then(fn, fn);
    chain = p.catch(() => {});
    return p;
  };
  let flushing = null;

  const ms = () => now().getTime();

  async function panel() {
    const { panel: p } = await local.get('panel');
    return p || null;
  }

  async function savePanel(p) {
    await local.set({ panel: p });
    return p;
  }

  /** The local panel record from a server consent state. */
  function fromState(st, base) {
    return {
      ...base,
      member: Boolean(st && st.member),
      paused: Boolean(st && st.paused),
      scopes: Array.isArray(st?.scopes) ? st.scopes.filter((s) => SCOPES.includes(s)) : [],
      noticeVersion: st?.notice_version || base.noticeVersion || '',
      since: st?.since || '',
      checkedAt: ms(),
    };
  }

  async function policy({ force = false } = {}) {
    const server = await serverUrl();
    const { panelPolicy: pp } = await local.get('panelPolicy');
    if (!force && pp && pp.serverUrl === server && ms() - pp.at < POLICY_TTL_MS) return pp;
    const doc = await client.policy(server);
    compilePolicy(doc); // a policy the collector cannot apply exactly is not stored
    let ownDomains = pp && pp.serverUrl === server ? pp.ownDomains || [] : [];
    try {
      ownDomains = (await storeConfig())?.store?.domains || ownDomains;
    } catch {
      // keep the last known own domains
    }
    const saved = { serverUrl: server, at: ms(), doc, ownDomains };
    await local.set({ panelPolicy: saved });
    return saved;
  }

  async function schedule() {
    const a = await ext.alarms.get(PANEL_ALARM);
    if (!a) await ext.alarms.create(PANEL_ALARM, { delayInMinutes: SEND_EVERY_MIN, periodInMinutes: SEND_EVERY_MIN });
  }

  async function unschedule() {
    await ext.alarms.clear(PANEL_ALARM);
  }

  /** Drops the queued events: only when the shopper leaves the panel. */
  async function dropQueue() {
    await locked(() => local.set({ panelQueue: [], panelSend: {} }));
    if (experiments) await experiments.drop();
  }

  /** Sends the queued events in batches while sharing is active. */
  async function flush({ force = false } = {}) {
    if (flushing) return flushing;
    flushing = (async () => {
      let sent = 0;
      for (let i = 0; i < MAX_BATCHES_PER_FLUSH; i++) {
        const s = await local.get(['panel', 'panelQueue', 'panelSend']);
        if (activeScopes(s.panel).length === 0) break; // paused or not a member: nothing leaves
        const queue = s.panelQueue || [];
        if (queue.length === 0) break;
        const st = s.panelSend || {};
        if (!force && ms() < (st.nextAt || 0)) break;
        const ins = await install({ register: false });
        if (!ins.token || ins.server !== s.panel.serverUrl) break;
        const batch = nextBatch(queue);
        let outcome;
        let answer = null;
        try {
          answer = await client.events(ins.server, ins.token, batch);
          outcome = { answer: answer || {} };
        } catch (e) {
          outcome = e.status ? { status: e.status, retryAfterMs: e.retryAfterMs || 0 } : { network: true };
          outcome.error = String(e?.message || e);
        }
        const r = afterSend(outcome, st.failures || 0, ms(), { random });
        await locked(async () => {
          const cur = await local.get(['panelQueue', 'panelSend']);
          const p = { ...(cur.panelSend || {}) };
          p.failures = r.failures;
          p.nextAt = r.nextAt;
          p.lastAttemptAt = ms();
          if (answer) {
            p.lastOkAt = ms();
            p.lastError = '';
            p.accepted = (p.accepted || 0) + (answer.accepted || 0);
            p.duplicate = (p.duplicate || 0) + (answer.duplicate || 0);
            p.refused = (p.refused || 0) + (answer.refused || 0);
            if (Array.isArray(answer.refusals) && answer.refusals.length) p.lastRefusals = answer.refusals.slice(0, 5).map((x) => String(x.reason || '').slice(0, 300));
          } else {
            p.lastError = outcome.error || '';
            if (r.refusedBatch) p.refused = (p.refused || 0) + batch.length;
          }
          const upd = { panelSend: p };
          if (r.remove) upd.panelQueue = settle(cur.panelQueue, batch.map((e) => e.id));
          await local.set(upd);
        });
        if (!r.remove) break;
        sent += batch.length;
        if (answer && (answer.refusals || []).some((x) => /consent/i.test(String(x.reason)))) await refreshConsent({ force: true }).catch(() => {});
      }
      // Display-experiment exposures go out with the events (same consent, same schedule).
      if (experiments) await experiments.flush({ force }).catch(() => {});
      return { sent };
    })();
    try {
      return await flushing;
    } finally {
      flushing = null;
    }
  }

  /** Reads consent from the server (the dashboard can pause, resume or withdraw too). */
  async function refreshConsent({ force = false } = {}) {
    const p = await panel();
    if (!p) return null;
    if (p.pending) await replayPending();
    const cur = await panel();
    if (!cur || cur.pending) return cur;
    if (!force && ms() - (cur.checkedAt || 0) < CONSENT_TTL_MS) return cur;
    const ins = await install({ register: false });
    if (!ins.token || ins.server !== cur.serverUrl) return cur;
    const ans = await client.getConsent(ins.server, ins.token);
    const next = fromState(ans?.state, cur);
    if (cur.member && !next.member) await dropQueue(); // left the panel (from the dashboard)
    await savePanel(next);
    if (!next.member) await unschedule();
    return next;
  }

  /** Sends a pause or withdrawal that could not reach the server when the shopper asked. */
  async function replayPending() {
    const p = await panel();
    if (!p || !p.pending) return p;
    const ins = await install({ register: false });
    if (!ins.token) return p;
    try {
      const ans = await client.consent(ins.server, ins.token, { action: p.pending, scopes: [], notice_version: p.noticeVersion || '', lang: 'en' });
      return savePanel({ ...fromState(ans?.state, p), pending: '' });
    } catch (e) {
      if (e.code === 'invalid' || e.status === 400) {
        // "nothing to pause / withdraw": the server already has it that way.
        const ans = await client.getConsent(ins.server, ins.token);
        return savePanel({ ...fromState(ans?.state, p), pending: '' });
      }
      throw e;
    }
  }

  function ctxFrom(s, sender, extra = {}) {
    return {
      cp: compilePolicy(s.panelPolicy.doc),
      ownDomains: s.panelPolicy.ownDomains || [],
      userSensitive: s.userSensitive || [],
      panel: s.panel,
      ...extra,
    };
  }

  async function status() {
    const s = await local.get(['panel', 'panelQueue', 'panelSend', 'panelDropped', 'userSensitive', 'panelPolicy', 'lastRedemption']);
    const server = await serverUrl();
    const p = s.panel && s.panel.serverUrl === server ? s.panel : null;
    return {
      member: Boolean(p && p.member),
      paused: Boolean(p && p.paused),
      pending: (p && p.pending) || '',
      scopes: (p && p.scopes) || [],
      active: activeScopes(p),
      noticeVersion: (p && p.noticeVersion) || '',
      since: (p && p.since) || '',
      queued: (s.panelQueue || []).length,
      dropped: s.panelDropped || 0,
      send: s.panelSend || {},
      userSensitive: s.userSensitive || [],
      sensitiveCategories: s.panelPolicy ? Object.fromEntries(Object.entries(s.panelPolicy.doc.sensitive || {}).map(([k, v]) => [k, v.length])) : {},
      lastRedemption: s.lastRedemption || null,
    };
  }

  const handlers = {
    /** From a content script: one event to queue, checked again here. */
    async panelEvent(payload, sender) {
      const s = await local.get(['panel', 'panelPolicy', 'userSensitive']);
      const server = await serverUrl();
      if (!s.panel || s.panel.serverUrl !== server || activeScopes(s.panel).length === 0) return { queued: false, reason: 'no_consent' };
      if (!s.panelPolicy || s.panelPolicy.serverUrl !== server) return { queued: false, reason: 'no_policy' };
      let ctx;
      try {
        ctx = ctxFrom(s, sender, { incognito: Boolean(sender?.tab?.incognito), now: ms(), newId });
      } catch {
        return { queued: false, reason: 'bad_policy' };
      }
      // The page the event is about is the page that sent it.
      const pageHost = hostOf(sender?.url || '');
      const about = payload.type === 'link_click' ? payload.from : payload.url;
      const aboutHost = about !== undefined ? hostOf(about) : String(payload.domain || '').toLowerCase();
      if (!pageHost || aboutHost !== pageHost) return { queued: false, reason: 'not_this_page' };
      const r = buildEvent(payload, ctx);
      if (r.skip) return { queued: false, reason: r.skip };
      const n = await locked(async () => {
        const cur = await local.get(['panelQueue', 'panelDropped']);
        const q = enqueue(cur.panelQueue, [r.event]);
        await local.set({ panelQueue: q.queue, panelDropped: (cur.panelDropped || 0) + q.dropped });
        return q.queue.length;
      });
      if (n >= SEND_AT) flush().catch(() => {});
      // The bar was shown to a member who consented to product views: log the exposure to its display variants.
      if (experiments && r.event.type === 'comparison_shown') await experiments.exposed(r.event).catch(() => {});
      return { queued: true, id: r.event.id };
    },

    /** What the consent screen shows: the policy, the notice in the shopper's language, the campaign. */
    async panelInfo({ lang }) {
      const server = await serverUrl();
      const [pp, notice, camp] = await Promise.all([
        policy({ force: true }),
        client.notice(server, lang === 'fr' ? 'fr' : 'en'),
        client.campaign(server).catch(() => ({ campaign: null })),
      ]);
      const store = await storeConfig().then((c) => c?.store || null, () => null);
      return { policy: pp.doc, ownDomains: pp.ownDomains, notice, campaign: camp?.campaign || null, store, status: await status() };
    },

    /** Joins the panel, or changes the scopes of a member, with the notice shown. */
    async panelJoin({ scopes, notice_version: version, lang }) {
      if (!scopes.length) throw new ApiError('invalid', t('panelErrorNoScope'));
      await policy(); // the collector needs the policy before anything is collected
      return authed(async (server, token) => {
        const cur = await panel();
        const ins = await install({ register: false });
        const base = { serverUrl: server, installId: ins.installId, noticeVersion: version, pending: '' };
        const body = (action, sc) => ({ action, scopes: sc, notice_version: version, lang: lang === 'fr' ? 'fr' : 'en' });
        let ans;
        if (cur && cur.member && cur.serverUrl === server && !cur.pending) {
          const add = scopes.filter((s) => !cur.scopes.includes(s));
          const remove = cur.scopes.filter((s) => !scopes.includes(s));
          if (add.length) ans = await client.consent(server, token, body('grant', add));
          if (remove.length) ans = await client.consent(server, token, body('revoke', remove));
          if (!ans) ans = { state: { member: true, paused: cur.paused, scopes: cur.scopes, notice_version: cur.noticeVersion, since: cur.since } };
        } else {
          ans = await client.consent(server, token, body('grant', scopes));
        }
        await savePanel({ ...fromState(ans.state, base), noticeHash: ans.notice_hash || cur?.noticeHash || '' });
        await schedule();
        return status();
      });
    },

    /** Pause: what was collected while sharing was on is sent first; then nothing leaves until resumed. */
    async panelPause() {
      const p = await panel();
      if (!p || !p.member) throw new ApiError('invalid', t('panelErrorNotMember'));
      await flush({ force: true }).catch(() => {});
      await savePanel({ ...p, paused: true, pending: 'pause' });
      await replayPending().catch(() => {}); // if the server is unreachable, the alarm tries again
      return status();
    },

    async panelResume() {
      const p = await panel();
      if (!p || !p.member) throw new ApiError('invalid', t('panelErrorNotMember'));
      if (p.pending === 'pause') await replayPending();
      const ins = await install({ register: false });
      const ans = await client.consent(ins.server, ins.token, { action: 'resume', scopes: [], notice_version: p.noticeVersion || '', lang: 'en' });
      await savePanel({ ...fromState(ans.state, p), pending: '' });
      await schedule();
      flush({ force: true }).catch(() => {});
      return status();
    },

    /** Leave: collection stops at once and the queued events are dropped; the server is told (again later if it cannot be reached now). */
    async panelLeave() {
      const p = await panel();
      if (!p || (!p.member && !p.pending)) throw new ApiError('invalid', t('panelErrorNotMember'));
      await savePanel({ ...p, member: false, paused: false, scopes: [], pending: 'withdraw' });
      await dropQueue();
      try {
        await replayPending();
        await unschedule();
      } catch {
        await schedule(); // retried by the alarm until the server has it
      }
      return status();
    },

    async panelStatus() {
      const p = await panel();
      if (p && (p.member || p.pending)) await refreshConsent().catch(() => {});
      return status();
    },

    async panelFlush() {
      const r = await flush({ force: true });
      return { ...r, status: await status() };
    },

    async setUserSensitive({ domains }) {
      const list = [];
      for (const d of domains) {
        const n = normalizeUserDomain(d);
        if (!n) throw new ApiError('invalid', t('optionsSensitiveBad', [String(d).slice(0, 100)]));
        if (!list.includes(n)) list.push(n);
      }
      if (list.length > MAX_USER_DOMAINS) throw new ApiError('invalid', t('optionsSensitiveTooMany', [String(MAX_USER_DOMAINS)]));
      await local.set({ userSensitive: list });
      // Events of those sites still on the device never leave it.
      await locked(async () => {
        const { panelQueue: q = [] } = await local.get('panelQueue');
        const ctx = { cp: { sensitive: [] }, userSensitive: list, ownDomains: [] };
        const keep = q.filter((e) => [e.url, e.from, e.to].filter(Boolean).every((u) => !blockedReason(hostOf(u), ctx)) && (!e.domain || !blockedReason(e.domain, ctx)));
        if (keep.length !== q.length) await local.set({ panelQueue: keep });
      });
      return { userSensitive: list };
    },

    // Rewards and the dashboard.
    async rewards() {
      const server = await serverUrl();
      const [r, camp] = await Promise.all([
        authed((s, tok) => client.rewards(s, tok)),
        client.campaign(server).catch(() => ({ campaign: null })),
      ]);
      const { lastRedemption = null } = await local.get('lastRedemption');
      return { ...r, campaign: camp?.campaign || null, lastRedemption };
    },

    linkAccount: ({ code }) => authed((s, tok) => client.linkAccount(s, tok, code.trim())),

    /** Redeems the balance; the idempotency key is kept until answered, so a retry gets the same code. */
    async redeem() {
      let { redeemKey: key } = await local.get('redeemKey');
      if (!key) {
        key = newId(ms());
        await local.set({ redeemKey: key });
      }
      const red = await authed((s, tok) => client.redeem(s, tok, key));
      const last = { code: red.code, amount: red.amount, at: now().toISOString() };
      await local.set({ lastRedemption: last });
      await local.remove('redeemKey');
      return last;
    },

    /** Opens the shopper's dashboard with a one-time login link. */
    async openDashboard() {
      const { server, path } = await authed(async (s, tok) => ({ server: s, path: (await client.loginLink(s, tok))?.path }));
      if (typeof path !== 'string' || !/^\/me\/login\?t=[A-Za-z0-9_-]+$/.test(path)) throw new ApiError('bad_response', 'unexpected login link');
      const url = server.replace(/\/+$/, '') + path;
      await ext.tabs.create({ url });
      return { opened: true };
    },
  };

  /** The panel alarm: pending consent changes, policy and consent refresh, sending. */
  async function onAlarm() {
    let p = await panel();
    if (!p || (!p.member && !p.pending)) {
      await unschedule();
      return;
    }
    if (p.pending) {
      p = await replayPending();
      if (!p.member && !p.pending) {
        await unschedule();
        return;
      }
    }
    p = await refreshConsent();
    if (!p || !p.member) return;
    if (activeScopes(p).length) {
      await policy().catch(() => {});
      await flush();
    }
  }

  /** Forgets the panel locally (server changed): leaves it on the old server first, if possible. */
  async function forget() {
    const p = await panel();
    if (!p) return;
    if (p.member || p.pending === 'withdraw') {
      await savePanel({ ...p, member: false, scopes: [], pending: 'withdraw' });
      await replayPending().catch(() => {});
    }
    await dropQueue();
    await local.remove(['panel', 'panelPolicy']);
    await unschedule();
  }

  return { handlers, onAlarm, flush, schedule, forget, status };
}
