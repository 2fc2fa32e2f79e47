// Display experiments in the background: which variants of the bar this
// install sees, and the exposures logged when the bar is shown.
//
// Only Vitrine Panel members with the product-views consent take part:
// for them the install's assignment (GET /v1/experiments, computed by the
// server from a hash of the install id) is fetched, cached a day and
// applied, and each bar shown is logged as one exposure per experiment
// (POST /v1/experiments/exposures), going with the comparison_shown event
// and under exactly the same checks (never in a private window, never on a
// sensitive site, the shopper's list or the store's own site). Everyone
// else sees the default bar and nothing is asked or logged.
//
// storage.local keys:
//   experiments  {serverUrl, installId, at, assignments | null, error}
//   expoQueue    [exposure...] (oldest first; at most EXPO_MAX)
//   expoSend     {failures, nextAt, lastAttemptAt, lastOkAt, lastError, accepted, duplicate, refused, lastRefusals}

import { DEFAULT_DISPLAY, displayFrom } from '../shared/display.js';
import { activeScopes } from '../panel/events.js';
import { afterSend, enqueue, settle } from '../panel/queue.js';
import { uuidv7 } from '../panel/uuid7.js';

export const ASSIGN_TTL_MS = 24 * 60 * 60 * 1000; // refreshed daily
const ASSIGN_RETRY_MS = 60 * 60 * 1000; // after a failure, the default bar for an hour
export const EXPO_MAX = 1000;
export const EXPO_BATCH = 500; // the server takes 1 to 500

/** Whether a panel record takes part in the display experiments. */
export function inExperiments(panel, server) {
  return Boolean(panel && panel.serverUrl === server && activeScopes(panel).includes('product_views'));
}

/**
 * deps: {ext, client, install ({register}) => {server, token, installId},
 * serverUrl () => string, now () => Date, random, newId (ms) => uuid}.
 */
export function createExperiments({ ext, client, install, serverUrl, now = () => new Date(), random = Math.random, newId = uuidv7 }) {
  const local = ext.storage.local;
  const ms = () => now().getTime();
  let chain = Promise.resolve();
  const locked = (fn) => {
    const p = chain.then(fn, fn);
    chain = p.catch(() => {});
    return p;
  };
  let flushing = null;

  async function member() {
    const [{ panel }, server] = await Promise.all([local.get('panel'), serverUrl()]);
    return inExperiments(panel, server) ? panel : null;
  }

  /** The cached assignment if it belongs to this server and install (fresh or not). */
  function cachedFor(cache, ins) {
    return cache && cache.serverUrl === ins.server && cache.installId === ins.installId ? cache : null;
  }

  /** The install's assignment: cached a day; null when unknown (server without analytics, unreachable). */
  async function assignments() {
    const ins = await install({ register: false });
    if (!ins.token) return null;
    const { experiments: cache } = await local.get('experiments');
    const c = cachedFor(cache, ins);
    if (c && ms() - c.at < (c.assignments ? ASSIGN_TTL_MS : ASSIGN_RETRY_MS)) return c.assignments;
    try {
      const ans = await client.experiments(ins.server, ins.token);
      const a = ans && typeof ans.assignments === 'object' && ans.assignments !== null && !Array.isArray(ans.assignments) ? ans.assignments : null;
      await local.set({ experiments: { serverUrl: ins.server, installId: ins.installId, at: ms(), assignments: a, error: a ? '' : 'bad_response' } });
      return a;
    } catch (e) {
      // Keep a stale assignment rather than switching the bar back and forth.
      if (c && c.assignments) return c.assignments;
      await local.set({ experiments: { serverUrl: ins.server, installId: ins.installId, at: ms(), assignments: null, error: String(e?.code || e?.message || e).slice(0, 200) } });
      return null;
    }
  }

  /** The bar's display for a page: the assignment for members with product-views consent (not in private windows), else the default. */
  async function displayFor(sender) {
    if (sender?.tab?.incognito || !(await member())) return { ...DEFAULT_DISPLAY, experiment: false };
    const d = displayFrom(await assignments());
    return { bar_wording: d.bar_wording, bar_placement: d.bar_placement, show_history: d.show_history, experiment: Object.keys(d.applied).length > 0 };
  }

  /**
   * The bar was shown (a comparison_shown event was just queued, so every
   * consent and never-collect check passed): one exposure per applied
   * variant of the cached assignment, queued and sent.
   */
  async function exposed({ domain, product_id: productId, ts }) {
    if (!(await member())) return { queued: 0 };
    const ins = await install({ register: false });
    const { experiments: cache } = await local.get('experiments');
    const c = cachedFor(cache, ins);
    if (!c || !c.assignments) return { queued: 0 };
    const at = Date.parse(ts);
    const t = Number.isFinite(at) ? at : ms();
    const xs = Object.entries(displayFrom(c.assignments).applied).map(([experiment, variant]) => ({
      id: newId(t), experiment, variant, product_id: productId, domain, ts: new Date(t).toISOString(),
    }));
    if (xs.length === 0) return { queued: 0 };
    await locked(async () => {
      const { expoQueue } = await local.get('expoQueue');
      await local.set({ expoQueue: enqueue(expoQueue, xs, EXPO_MAX).queue });
    });
    flush().catch(() => {});
    return { queued: xs.length };
  }

  /** Sends queued exposures while the shopper takes part, with the panel queue's backoff. */
  async function flush({ force = false } = {}) {
    if (flushing) return flushing;
    flushing = (async () => {
      let sent = 0;
      for (let i = 0; i < 10; i++) {
        const s = await local.get(['panel', 'expoQueue', 'expoSend']);
        const server = await serverUrl();
        if (!inExperiments(s.panel, server)) {
          // Still sharing but no longer product views: those exposures are never sent.
          if (s.panel && s.panel.member && !s.panel.paused && !s.panel.pending && (s.expoQueue || []).length) await drop();
          break; // paused, left, or consent narrowed: nothing leaves
        }
        const queue = s.expoQueue || [];
        if (queue.length === 0) break;
        const st = s.expoSend || {};
        if (!force && ms() < (st.nextAt || 0)) break;
        const ins = await install({ register: false });
        if (!ins.token || ins.server !== server) break;
        const batch = queue.slice(0, EXPO_BATCH);
        let answer = null;
        let outcome;
        try {
          answer = (await client.exposures(ins.server, ins.token, batch)) || {};
          outcome = { answer };
        } catch (e) {
          outcome = e.status ? { status: e.status, retryAfterMs: e.retryAfterMs || 0 } : { network: true };
          outcome.error = String(e?.message || e);
        }
        // A 403 is the server saying there is no product-views consent: these exposures are never to be recorded.
        const forbidden = outcome.status === 403;
        const r = forbidden ? { remove: true, failures: 0, nextAt: ms(), refusedBatch: true } : afterSend(outcome, st.failures || 0, ms(), { random });
        await locked(async () => {
          const cur = await local.get(['expoQueue', 'expoSend']);
          const p = { ...(cur.expoSend || {}) };
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
          const upd = { expoSend: p };
          if (r.remove) upd.expoQueue = settle(cur.expoQueue, batch.map((x) => x.id));
          // A variant the server says is not ours: the cached assignment is wrong, fetch it again next time.
          if (answer && (answer.refusals || []).some((x) => /assignment/i.test(String(x.reason)))) await local.remove('experiments');
          await local.set(upd);
        });
        if (!r.remove || forbidden) break;
        sent += batch.length;
      }
      return { sent };
    })();
    try {
      return await flushing;
    } finally {
      flushing = null;
    }
  }

  /** Drops queued exposures (the shopper left the panel or changed server). */
  async function drop() {
    await locked(() => local.set({ expoQueue: [], expoSend: {} }));
  }

  return { displayFor, assignments, exposed, flush, drop };
}
