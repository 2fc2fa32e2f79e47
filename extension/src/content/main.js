// The content script: a cheap check first (no product signal: stop, send
// nothing, load nothing more), then extraction with the same rules as the
// server's extractor, then a comparison request through the background, and
// the bar when the store has the product.

import { api as ext, send } from '../ext.js';
import { quickDetect } from '../extract/detect.js';

// What this page is, for the popup (which asks the tab directly): kept on the
// page's side, so a page the shopper left leaves no stale state behind.
const status = { product: false, match: null, cost: null };

// Main-thread time of detection and extraction, in ms, kept in the status
// the popup (and the benchmark) can ask for; nothing is written to the page.
function publishCost(ms, isProduct) {
  status.cost = ms;
  status.detected = isProduct;
}

// The Vitrine Panel: only when the shopper joined and sharing is on (read
// from storage.local, no message, no request), never in a private window.
// Otherwise no panel code is even loaded.
async function panelCollector() {
  if (ext.extension?.inIncognitoContext) return null;
  let st;
  try {
    st = await ext.storage.local.get('panel');
  } catch {
    return null;
  }
  const p = st.panel;
  if (!p || p.member !== true || p.paused === true || p.pending || !Array.isArray(p.scopes) || p.scopes.length === 0) return null;
  const more = await ext.storage.local.get(['panelPolicy', 'userSensitive']);
  const { startCollector } = await import('../panel/page.js');
  return startCollector({ panel: p, ...more });
}

export async function run() {
  ext.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (msg && msg.type === 'pageStatus' && sender.id === ext.runtime.id && !sender.tab) sendResponse({ ...status });
  });
  if (window.top !== window) return;
  const panel = panelCollector().catch(() => null);
  const t0 = performance.now();
  if (!quickDetect(document)) {
    publishCost(performance.now() - t0, false);
    await panel;
    return;
  }
  const tDetect = performance.now() - t0;
  // The extractor is loaded only on pages with a product signal (loading is
  // not main-thread work for the page, so it is left out of the cost).
  const { extractDocument, factsForCompare } = await import('../extract/index.js');
  const t1 = performance.now();
  const facts = extractDocument(document, location.href);
  publishCost(tDetect + performance.now() - t1, facts.is_product);
  if (!facts.is_product) return;
  status.product = true;
  status.title = facts.title?.value || '';
  const compareFacts = factsForCompare(facts);
  const collector = await panel;
  if (collector) collector.product(compareFacts);

  let answer;
  try {
    answer = await send('compare', { domain: location.hostname, facts: compareFacts });
  } catch (e) {
    status.match = 'error';
    status.error = e?.message || String(e);
    return;
  }
  status.match = answer?.status || 'error';
  if (answer?.status !== 'match') return;
  const { compareView } = await import('../shared/compare-view.js');
  const view = compareView(answer);
  if (!view) return;
  status.store = view.store;
  status.price = view.price;
  status.productId = view.productId;
  status.strength = view.strength;
  const [{ showBar, showRecommendations }, { normalizeDisplay }] = await Promise.all([import('./bar.js'), import('../shared/display.js')]);
  const display = normalizeDisplay(answer.display);
  status.display = { placement: display.bar_placement, wording: display.bar_wording, history: display.show_history, experiment: display.experiment };
  showBar(view, { host: location.hostname, display, onStoreLink: () => collector?.comparison('comparison_clicked', location.hostname, view.productId, answer.status) });
  if (collector) collector.comparison('comparison_shown', location.hostname, view.productId, answer.status);

  // "Shoppers who viewed this next looked at": asked only now that a match
  // is shown, with the store's product id (the background adds the
  // session's other matched ids; nothing about this page).
  try {
    const r = await send('recommend', { product_id: view.productId });
    status.reco = showRecommendations(Array.isArray(r?.items) ? r.items : []);
  } catch (e) {
    status.reco = 'error';
    status.recoError = e?.message || String(e);
  }
}
