// A thin wrapper over the WebExtension API: `browser` in Firefox, `chrome`
// in Chromium (both promise-based in Manifest V3), and a message sender that
// retries, because the background service worker can be stopped at any time
// and a message sent while it starts again may find no listener.

export const api = globalThis.browser ?? globalThis.chrome;

const RETRYABLE = /receiving end does not exist|could not establish connection|message port closed|extension context invalidated|no response/i;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends a message to the background and resolves with its answer. The
 * background answers {ok: true, data} or {ok: false, error: {code, message}};
 * this resolves with data or rejects with an Error carrying .code. Transport
 * failures (worker not running yet) are retried with a short backoff.
 */
export async function send(type, payload = {}, { retries = 4, delay = 100, runtime = api.runtime } = {}) {
  let lastErr;
  for (let attempt = 0; attempt <= retries; attempt++) {
    try {
      const res = await runtime.sendMessage({ type, payload });
      if (res === undefined) throw new Error('no response');
      if (!res.ok) {
        const err = new Error(res.error?.message || 'error');
        err.code = res.error?.code || 'error';
        throw Object.assign(err, { answered: true });
      }
      return res.data;
    } catch (e) {
      if (e.answered || !RETRYABLE.test(String(e?.message))) throw e;
      lastErr = e;
      await sleep(delay * 2 ** attempt);
    }
  }
  throw lastErr;
}

/** A translated UI string (chrome.i18n), with substitutions. */
export function t(key, subs) {
  return api.i18n.getMessage(key, subs) || key;
}
