// The panel's event queue and its sending schedule, as pure functions over
// plain values: the background keeps the values in storage.local (so the
// queue survives service-worker restarts) and does the I/O.

export const QUEUE_MAX = 5000; // events kept on the device; the oldest go first beyond it
export const SEND_AT = 50; // a batch leaves as soon as this many are queued...
export const SEND_EVERY_MIN = 0.5; // ...or at the next alarm (30 s, Chrome's shortest)
export const BATCH_MAX = 200; // events per request (the server takes up to 500)
export const BATCH_BYTES = 512 * 1024; // and bytes (the server takes up to 1 MiB)
export const BACKOFF_BASE_MS = 30 * 1000;
export const BACKOFF_CAP_MS = 60 * 60 * 1000;

/**
 * Appends events to the queue, dropping the oldest beyond max. Returns
 * {queue, dropped} (dropped: how many were dropped now).
 */
export function enqueue(queue, events, max = QUEUE_MAX) {
  const q = [...(Array.isArray(queue) ? queue : []), ...events];
  const dropped = Math.max(0, q.length - max);
  return { queue: dropped ? q.slice(dropped) : q, dropped };
}

/** The next batch to send: the oldest events, within count and size limits. */
export function nextBatch(queue, maxCount = BATCH_MAX, maxBytes = BATCH_BYTES) {
  const out = [];
  let bytes = 16;
  for (const e of queue || []) {
    if (out.length >= maxCount) break;
    const n = JSON.stringify(e).length + 1;
    if (out.length > 0 && bytes + n > maxBytes) break;
    out.push(e);
    bytes += n;
  }
  return out;
}

/** The queue without the events the server answered for (accepted, duplicate or refused). */
export function settle(queue, answeredIds) {
  const done = new Set(answeredIds);
  return (queue || []).filter((e) => !done.has(e.id));
}

/**
 * How long to wait before the next attempt after `failures` consecutive
 * failures: exponential from BACKOFF_BASE_MS, capped, with "equal jitter"
 * (half fixed, half random, so installs that failed together do not retry
 * together), and never less than the server's Retry-After.
 */
export function backoffMs(failures, { retryAfterMs = 0, random = Math.random, base = BACKOFF_BASE_MS, cap = BACKOFF_CAP_MS } = {}) {
  const exp = Math.min(cap, base * 2 ** Math.max(0, failures - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.round(Math.max(jittered, retryAfterMs || 0));
}

/** Retry-After (seconds or an HTTP date) in milliseconds; 0 if absent or unreadable. */
export function parseRetryAfter(value, now = Date.now()) {
  if (value === null || value === undefined || value === '') return 0;
  const s = String(value).trim();
  if (/^\d+$/.test(s)) return Math.min(Number(s), 24 * 3600) * 1000;
  const t = Date.parse(s);
  return Number.isNaN(t) ? 0 : Math.max(0, Math.min(t - now, 24 * 3600 * 1000));
}

/**
 * What a send attempt means for the queue and the schedule. outcome is
 * {answer} (HTTP 200 with counts), {status, retryAfterMs} for an HTTP error,
 * or {network: true}. Returns {remove: bool (the batch was answered),
 * failures (new count), nextAt (ms), refusedBatch (whole batch refused)}.
 */
export function afterSend(outcome, failures, now, opts = {}) {
  if (outcome.answer) return { remove: true, failures: 0, nextAt: now, refusedBatch: false };
  const st = outcome.status || 0;
  // A 400/413/422 is the server's answer about this batch: it will never be
  // taken as it is; drop it (counted) rather than retry forever.
  if (st === 400 || st === 413 || st === 422) return { remove: true, failures: 0, nextAt: now, refusedBatch: true };
  const f = failures + 1;
  return { remove: false, failures: f, nextAt: now + backoffMs(f, { retryAfterMs: outcome.retryAfterMs, ...opts }), refusedBatch: false };
}
