// End to end in Firefox (Debian's firefox-esr, headless, driven over
// WebDriver BiDi): dist/firefox built against a fresh `vitrine serve --demo`
// and installed as a temporary add-on, as a newcomer does it from
// about:debugging. The extension registers and opens its onboarding page;
// the comparison bar shows the server's answer on demo-shop pages of every
// markup kind, in English and in French; a non-product page sends nothing;
// the store's own site shows no bar. Expectations come from the API, never
// from constants.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { startServer } from './harness.js';
import { launchFirefox, readBarBiDi } from './firefox.js';
import { build } from '../../tools/build.mjs';
import { extractHTML, factsForCompare } from '../../src/extract/index.js';
import { extDir } from '../helpers.js';

const shots = join(extDir, 'test', 'screenshots');
mkdirSync(shots, { recursive: true });
const STORE = 'Vitrine Demo Store';

let srv;
let ff;
let distDir;
let tmp;

before(async () => {
  srv = await startServer();
  tmp = mkdtempSync(join(tmpdir(), 'vitrine-ffdist-'));
  [{ dir: distDir }] = build({ out: join(tmp, 'dist'), server: srv.base, browsers: ['firefox'], zip: false });
  ff = await launchFirefox(distDir);
});

after(async () => {
  if (ff) await ff.close();
  if (srv) await srv.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const msgs = (lang) => JSON.parse(readFileSync(join(extDir, 'src', '_locales', lang, 'messages.json'), 'utf8'));
const tr = (lang, key, subs = []) => msgs(lang)[key].message.replace(/\$(\d)/g, (_, d) => String(subs[Number(d) - 1]));
const money = (m, locale = 'en-US') => new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency }).format(m.amount);
const norm = (s) => String(s).replace(/\s/g, ' ');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Requests the server has answered, by /v1 route, from its Prometheus metrics. */
async function v1Counts() {
  const txt = await (await fetch(`${srv.base}/metrics`)).text();
  const out = {};
  for (const m of txt.matchAll(/^vitrine_http_request_duration_seconds_count\{route="([^"]+)"\} (\d+)/gm)) if (/\/v1\//.test(m[1])) out[m[1]] = Number(m[2]);
  return out;
}

/** Demo-shop product pages by markup kind, found by reading the pages themselves. */
async function shopPagesByKind() {
  const listing = await (await fetch(`${srv.base}/demo/shop/`)).text();
  const paths = [...new Set([...listing.matchAll(/\/demo\/shop\/p\/[^"'?#\s]+/g)].map((m) => m[0]))];
  const kinds = {};
  for (const p of paths) {
    const html = await (await fetch(srv.base + p)).text();
    let kind;
    if (/"hasVariant"/.test(html)) kind = 'variants';
    else if (/application\/ld\+json[^>]*>[^<]*"(Product|ProductGroup)"/.test(html)) kind = 'jsonld';
    else if (/itemtype="https?:\/\/schema\.org\/Product"/.test(html)) kind = 'microdata';
    else if (/property="(product:price:amount|og:price:amount)"/.test(html)) kind = 'opengraph';
    else continue;
    (kinds[kind] ||= []).push({ path: p, html });
  }
  return kinds;
}

/** What the server answers for a page's facts, the page read with the same extractor. */
async function expected(cand) {
  const facts = extractHTML(cand.html, srv.other + cand.path, (h) => new JSDOM(h).window.document);
  const r = await fetch(`${srv.base}/v1/compare`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ domain: 'localhost', facts: factsForCompare(facts) }),
  });
  assert.ok(r.ok, `compare: HTTP ${r.status}`);
  return r.json();
}

async function visit(browser, context, url) {
  await browser.bidi.send('browsingContext.navigate', { context, url, wait: 'complete' });
}

async function waitBar(browser, context, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const bar = await readBarBiDi(browser.bidi, context);
    if (bar) return bar;
    await sleep(150);
  }
  return null;
}

async function screenshot(browser, context, file) {
  const { data } = await browser.bidi.send('browsingContext.captureScreenshot', { context });
  writeFileSync(join(shots, file), Buffer.from(data, 'base64'));
}

test('Firefox: the add-on registers with the server and opens its onboarding page', async () => {
  let onboarding;
  for (let i = 0; i < 100 && !onboarding; i++) {
    onboarding = (await ff.tabs()).find((t) => t.url.endsWith('/onboarding/onboarding.html'));
    if (!onboarding) await sleep(100);
  }
  assert.ok(onboarding, 'onboarding tab opened');
  let text = '';
  for (let i = 0; i < 100; i++) {
    const { result } = await ff.bidi.send('script.evaluate', {
      expression: 'document.body.dataset.ready === "1" ? document.querySelector("main").textContent : ""',
      target: { context: onboarding.context },
      awaitPromise: false,
    });
    text = result.value || '';
    if (text) break;
    await sleep(100);
  }
  assert.match(text, /product facts the page itself publishes/);
  const id = (text.match(/\bins_[A-Za-z0-9_-]+/) || [])[0];
  assert.ok(id, 'the onboarding page shows the install id the server gave');
  await screenshot(ff, onboarding.context, 'onboarding-firefox-en.png');
});

let matched;

test('Firefox: the bar shows the store price and the saving on JSON-LD, Microdata, OpenGraph-only and variant pages', async () => {
  const kinds = await shopPagesByKind();
  const ctx = await ff.newTab();
  for (const kind of ['jsonld', 'microdata', 'opengraph', 'variants']) {
    assert.ok(kinds[kind]?.length, `the demo shop has ${kind} pages`);
    let done = false;
    for (const cand of kinds[kind].slice(0, 6)) {
      const want = await expected(cand);
      if (want.status !== 'match' || !want.comparison) continue; // the store does not sell it: no bar, checked below
      await visit(ff, ctx, srv.other + cand.path);
      const bar = await waitBar(ff, ctx);
      assert.ok(bar, `${kind}: a bar on ${cand.path}`);
      assert.equal(bar.shadowRootType, 'closed');
      assert.equal(bar.roles['store-price'], money(want.offer.price), `${kind}: store price`);
      const c = want.comparison;
      const diff = money({ amount: String(Math.abs(Number(c.difference.amount))), currency: c.difference.currency });
      if (c.same_price) assert.equal(bar.roles.deal, tr('en', 'barSamePrice', [STORE]));
      else if (c.store_is_cheaper) assert.equal(bar.roles.deal.replace(/\(.*\)/, '()'), tr('en', 'barSave', [diff, '', STORE]).replace(/\(.*\)/, '()'), `${kind}: saving`);
      else assert.equal(bar.roles.deal, tr('en', 'barDearer', [diff, STORE]), `${kind}: dearer`);
      const headlineKey = { exact: 'barHeadlineExact', likely: 'barHeadlineLikely', possible: 'barHeadlinePossible' }[want.strength];
      assert.equal(bar.roles.headline, tr('en', headlineKey, [STORE]), `${kind}: headline`);
      assert.equal(bar.attrs['store-link'].href, want.offer.link);
      assert.ok(bar.roles.sparkline !== undefined, `${kind}: price history sparkline`);
      if (kind === 'jsonld') {
        matched = { cand, want };
        await screenshot(ff, ctx, 'bar-firefox-en.png');
      }
      done = true;
      break;
    }
    assert.ok(done, `a ${kind} page with a match`);
  }
});

test('Firefox: a non-product page causes zero requests to the server, and no bar', async () => {
  const ctx = await ff.newTab();
  const before0 = await v1Counts();
  await visit(ff, ctx, `${srv.other}/demo/shop/about`);
  await sleep(2500); // the content script runs at document_idle; anything late would show now
  assert.equal(await readBarBiDi(ff.bidi, ctx), null, 'no bar');
  assert.deepEqual(await v1Counts(), before0, 'no /v1 request at all');
});

test("Firefox: the store's own site shows no bar", async () => {
  assert.ok(matched, 'a matched page from the test above');
  const ctx = await ff.newTab();
  await visit(ff, ctx, srv.base + matched.cand.path); // 127.0.0.1 is the store's domain
  await sleep(2500);
  assert.equal(await readBarBiDi(ff.bidi, ctx), null);
});

test('Firefox in French (fr-FR): the bar speaks French', async () => {
  assert.ok(matched, 'a matched page from the test above');
  const fr = await launchFirefox(distDir, { locale: 'fr-FR' });
  try {
    const ctx = await fr.newTab();
    await visit(fr, ctx, srv.other + matched.cand.path);
    const bar = await waitBar(fr, ctx, 15000);
    assert.ok(bar, 'a bar');
    const { want } = matched;
    const headlineKey = { exact: 'barHeadlineExact', likely: 'barHeadlineLikely', possible: 'barHeadlinePossible' }[want.strength];
    assert.equal(bar.roles.headline, tr('fr', headlineKey, [STORE]), 'French headline (Firefox needs firefox-esr-l10n-fr)');
    assert.equal(bar.roles['store-link'], tr('fr', 'barViewAt', [STORE]), 'French link text (Firefox needs firefox-esr-l10n-fr)');
    assert.equal(bar.roles.watch, tr('fr', 'barWatch'));
    assert.equal(norm(bar.roles['store-price']), norm(money(want.offer.price, 'fr-FR')));
    assert.match(norm(bar.roles.deal), /Économisez|plus cher|Même prix/);
    await screenshot(fr, ctx, 'bar-firefox-fr.png');
  } finally {
    await fr.close();
  }
});
