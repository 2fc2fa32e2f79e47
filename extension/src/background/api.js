// The Vitrine server API client. Pure apart from the injected fetch, so it
// is tested in Node with a fake fetch.

import { apiUrl } from '../shared/host.js';
import { parseRetryAfter } from '../panel/queue.js';

/** An API failure: .code is the server's error code (or network/http_NNN), .status the HTTP status. */
export class ApiError extends Error {
  constructor(code, message, status = 0) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

const TIMEOUT_MS = 10000;

/**
 * Calls the API at serverUrl. body (if any) is sent as JSON; token (if any)
 * as a Bearer token. Resolves with the decoded JSON answer (null for 204).
 */
export async function call(fetchFn, serverUrl, method, path, { body, token, timeout = TIMEOUT_MS } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeout);
  let res;
  try {
    res = await fetchFn(apiUrl(serverUrl, path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      signal: ctl.signal,
    });
  } catch (e) {
    throw new ApiError('network', `cannot reach ${serverUrl}: ${e?.message || e}`);
  } finally {
    clearTimeout(timer);
  }
  if (res.status === 204) return null;
  let data = null;
  const text = await res.text();
  if (text !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError('bad_response', `${method} ${path}: answer is not JSON`, res.status);
    }
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    const e = new ApiError(err.code || `http_${res.status}`, err.message || `${method} ${path}: HTTP ${res.status}`, res.status);
    e.retryAfterMs = parseRetryAfter(res.headers?.get?.('Retry-After'));
    throw e;
  }
  return data;
}

/** The API operations the extension uses, bound to a fetch function. */
export function apiClient(fetchFn) {
  const c = (server, method, path, opts) => call(fetchFn, server, method, path, opts);
  return {
    config: (server) => c(server, 'GET', '/v1/config'),
    register: (server, browser, version) => c(server, 'POST', '/v1/installs', { body: { browser, version } }),
    compare: (server, token, domain, facts, currency) => c(server, 'POST', '/v1/compare', { token, body: currency ? { domain, facts, currency } : { domain, facts } }),
    watches: (server, token) => c(server, 'GET', '/v1/watches', { token }),
    watch: (server, token, productId, target) => c(server, 'POST', '/v1/watches', { token, body: { product_id: productId, target_price: target } }),
    unwatch: (server, token, id) => c(server, 'DELETE', `/v1/watches/${encodeURIComponent(id)}`, { token }),
    lists: (server, token) => c(server, 'GET', '/v1/lists', { token }),
    createList: (server, token, name) => c(server, 'POST', '/v1/lists', { token, body: { name } }),
    addToList: (server, token, listId, productId) => c(server, 'POST', `/v1/lists/${encodeURIComponent(listId)}/items`, { token, body: { product_id: productId } }),
    removeFromList: (server, token, listId, productId) => c(server, 'DELETE', `/v1/lists/${encodeURIComponent(listId)}/items/${encodeURIComponent(productId)}`, { token }),
    alerts: (server, token) => c(server, 'GET', '/v1/alerts', { token }),
    // The Vitrine Panel.
    policy: (server) => c(server, 'GET', '/v1/policy'),
    notice: (server, lang) => c(server, 'GET', `/v1/notice?lang=${encodeURIComponent(lang)}`),
    campaign: (server) => c(server, 'GET', '/v1/campaign'),
    getConsent: (server, token) => c(server, 'GET', '/v1/consent', { token }),
    consent: (server, token, body) => c(server, 'POST', '/v1/consent', { token, body }),
    events: (server, token, events) => c(server, 'POST', '/v1/events', { token, body: { events }, timeout: 30000 }),
    // Rewards and the shopper's dashboard.
    linkAccount: (server, token, code) => c(server, 'POST', '/v1/account/link', { token, body: { code } }),
    rewards: (server, token) => c(server, 'GET', '/v1/rewards', { token }),
    redeem: (server, token, key) => c(server, 'POST', '/v1/rewards/redeem', { token, body: { idempotency_key: key } }),
    loginLink: (server, token) => c(server, 'POST', '/v1/dashboard/login-link', { token }),
    // Recommendations: public, only store product ids (no token, no page address).
    recommendations: (server, session, k) => c(server, 'GET', `/v1/recommendations?session=${session.map(encodeURIComponent).join(',')}&k=${encodeURIComponent(String(k))}`),
    // Display experiments: the install's variants, and exposures (panel members with product-views consent only).
    experiments: (server, token) => c(server, 'GET', '/v1/experiments', { token }),
    exposures: (server, token, exposures) => c(server, 'POST', '/v1/experiments/exposures', { token, body: { exposures }, timeout: 30000 }),
  };
}
