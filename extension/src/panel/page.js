// The panel collector in a page. Loaded by the content script only after
// it read from storage that the shopper joined the panel and sharing is on;
// never in private windows. Addresses are scrubbed here, with the policy
// the server published, before they leave the page's content script; the
// background checks everything again before queueing.

import { send } from '../ext.js';
import { compilePolicy } from './scrub.js';
import { activeScopes, collectURL, isNavigatingLink, productFacts, referrerDomain } from './events.js';

/**
 * Starts collecting on this page. state: {panel, panelPolicy, userSensitive}
 * from storage.local. Returns null when nothing on this page may be
 * collected, else {product(facts), comparison(type, view)}.
 */
export function startCollector(state, { win = window, doc = document, post = (p) => send('panelEvent', p).catch(() => {}) } = {}) {
  const scopes = activeScopes(state.panel);
  if (scopes.length === 0 || !state.panelPolicy) return null;
  let ctx;
  try {
    ctx = { cp: compilePolicy(state.panelPolicy.doc), ownDomains: state.panelPolicy.ownDomains || [], userSensitive: state.userSensitive || [] };
  } catch {
    return null; // a policy we cannot apply exactly: collect nothing
  }
  const here = collectURL(win.location.href, ctx);
  if (!here.ok) return null; // sensitive site, the store's own site, the shopper's list, not http(s)

  if (scopes.includes('page_views')) {
    const start = win.performance.now();
    const ref = referrerDomain(doc.referrer, ctx);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      post({ type: 'page_view', url: here.url, referrer_domain: ref, dwell_ms: Math.max(0, Math.round(win.performance.now() - start)) });
    };
    doc.addEventListener('visibilitychange', () => {
      if (doc.visibilityState === 'hidden') finish();
    });
    win.addEventListener('pagehide', finish);
  }

  if (scopes.includes('link_clicks')) {
    const onClick = (e) => {
      if (e.defaultPrevented) return;
      if ((e.type === 'click' && e.button !== 0) || (e.type === 'auxclick' && e.button !== 1)) return;
      const a = e.target && e.target.closest ? e.target.closest('a[href]') : null;
      if (!a || !isNavigatingLink(a.href, win.location.href, { download: a.hasAttribute('download') })) return;
      const to = collectURL(a.href, ctx);
      if (!to.ok) return; // a link to a site never collected: no event at all
      post({ type: 'link_click', from: here.url, to: to.url });
    };
    win.addEventListener('click', onClick);
    win.addEventListener('auxclick', onClick);
  }

  const products = scopes.includes('product_views');
  return {
    product(facts) {
      if (products) post({ type: 'product_view', url: here.url, facts: productFacts(facts) });
    },
    comparison(type, domain, productId, status) {
      if (products && productId) post({ type, domain, product_id: productId, status });
    },
  };
}
