// Product recognition and extraction over a DOM Document: the JavaScript
// twin of the Go package internal/extract. The rules are in
// internal/extract/RULES.md; both implementations are checked against the
// golden corpus in testdata/pages. Everything here is a pure function of the
// document and the page URL: it runs in a content script and in Node with a
// DOM library.

import { attr, elementsByTag, parseAbs, resolve } from './dom.js';
import { parseLaxJSON } from './jsonlax.js';
import { MICRODATA, fromMicrodata, fromRDFa, items } from './microdata.js';
import { fromHeuristic } from './heuristic.js';
import { fromMeta, fromOpenGraph, metaTags } from './meta.js';
import { LISTING_SIGNAL, NO_SIGNAL, PRODUCT_SIGNAL, SchemaGraph, emptyCandidate, normKeys } from './schema.js';
import { formatPrice, langCurrency } from './normalize.js';
import { collapse, goTrimSpace } from './text.js';

export const SOURCES = ['jsonld', 'microdata', 'rdfa', 'opengraph', 'meta', 'heuristic'];

/** Largest HTML page accepted by extractHTML, in bytes (as Go's MaxPageSize). */
export const MAX_PAGE_SIZE = 5 << 20;

const SIGNAL_WORDS = ['schema.org', 'ld+json', 'itemtype', 'typeof', 'og:type', 'product:', 'og:price',
  'itemprop', 'twitter:data1', 'cart', 'basket', 'buy-now', 'buy_now', 'buynow'];

/**
 * The Go extractor's early exit, over raw HTML text: true when the page
 * contains one of the signal words (ASCII case ignored).
 */
export function hasProductSignal(html) {
  const low = html.toLowerCase();
  return SIGNAL_WORDS.some((w) => low.includes(w));
}

export { quickDetect } from './detect.js';

function fromJSONLD(p) {
  const roots = [];
  for (const n of elementsByTag(p.doc, 'script')) {
    const t = attr(n, 'type').split(';')[0];
    if (goTrimSpace(t).toLowerCase() !== 'application/ld+json') continue;
    let src = '';
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.nodeType === 3) src += c.data;
    const v = parseLaxJSON(src);
    if (v === undefined) continue;
    roots.push(normKeys(v, 0));
    if (roots.length >= 64) break;
  }
  if (roots.length === 0) return emptyCandidate();
  return new SchemaGraph(roots).interpret(p);
}

function makeCleanText(doc) {
  let ta = null;
  return (s) => {
    if (s.includes('&')) {
      // Decode HTML character references the way an HTML parser does (shops
      // double-encode "&amp;" in JSON-LD): a detached textarea parses its
      // content as RCDATA, so no markup is created and nothing is loaded.
      if (!ta) ta = doc.createElement('textarea');
      ta.innerHTML = s.replace(/</g, '&lt;');
      s = ta.value;
    }
    return collapse(s);
  };
}

/**
 * Extracts product facts from a document. pageURL resolves relative URLs and
 * selects variants (?variant=, ?sku=). The result has the shape of the
 * golden files: {is_product, title: {value, source}, ..., source}.
 */
export function extractDocument(doc, pageURL) {
  const p = {
    doc, base: null, variant: '', sku: '', lang: '', meta: null, mdTops: [], mdLoose: null, hint: '',
    cleanText: makeCleanText(doc),
  };
  const u = parseAbs(goTrimSpace(pageURL || ''));
  if (u) {
    p.base = u;
    p.variant = u.searchParams.get('variant') || '';
    p.sku = u.searchParams.get('sku') || '';
  }
  const html = elementsByTag(doc, 'html')[0];
  if (html) p.lang = goTrimSpace(attr(html, 'lang')).toLowerCase();
  if (!p.base) {
    for (const l of elementsByTag(doc, 'link')) {
      if (!/(^|\s)canonical(\s|$)/i.test(attr(l, 'rel'))) continue;
      const cu = parseAbs(goTrimSpace(attr(l, 'href')));
      if (cu) {
        p.base = cu;
        break;
      }
    }
  }
  const b = elementsByTag(doc, 'base')[0];
  if (b) {
    const h = goTrimSpace(attr(b, 'href'));
    if (h !== '') {
      const bu = resolve(p.base, h);
      if (bu) p.base = bu;
    }
  }
  p.meta = metaTags(doc);
  [p.mdTops, p.mdLoose] = items(MICRODATA, doc);

  const cands = [
    ['jsonld', fromJSONLD(p)],
    ['microdata', fromMicrodata(p)],
    ['rdfa', fromRDFa(p)],
    ['opengraph', fromOpenGraph(p)],
    ['meta', fromMeta(p)],
  ];
  for (const [, c] of cands) {
    if (c.signal !== LISTING_SIGNAL && c.currency !== '') {
      p.hint = c.currency;
      break;
    }
  }
  if (p.hint === '') p.hint = langCurrency(p.lang);
  cands.push(['heuristic', fromHeuristic(p)]);

  let isProduct = false;
  for (const [, c] of cands) {
    if (c.signal !== NO_SIGNAL) {
      isProduct = c.signal === PRODUCT_SIGNAL;
      break;
    }
  }
  if (!isProduct) return { is_product: false };

  const f = { is_product: true };
  const usable = cands.filter(([, c]) => c.signal !== LISTING_SIGNAL);
  const take = (key, field) => {
    for (const [source, c] of usable) {
      if (c[field] !== '') {
        f[key] = { value: c[field], source };
        return;
      }
    }
  };
  take('title', 'title');
  take('brand', 'brand');
  take('gtin', 'gtin');
  take('mpn', 'mpn');
  take('sku', 'sku');
  take('availability', 'availability');
  take('condition', 'condition');
  take('image', 'image');
  take('canonical_url', 'canonicalURL');
  take('description', 'description');

  for (const [source, c] of usable) {
    if (c.price === '') continue;
    f.price = { value: c.price, source };
    if (c.priceIsRange) f.price_is_range = true;
    if (c.currency !== '') f.currency = { value: c.currency, source };
    else take('currency', 'currency');
    break;
  }
  if (f.price && f.currency) f.price.value = formatPrice(f.price.value, f.currency.value);
  for (const [, c] of usable) {
    if (c.variants && Object.keys(c.variants).length > 0) {
      f.variants = c.variants;
      break;
    }
  }
  for (const [source, c] of cands) {
    if (c.signal === PRODUCT_SIGNAL) {
      f.source = source;
      break;
    }
  }
  return ordered(f);
}

const ORDER = ['is_product', 'title', 'brand', 'gtin', 'mpn', 'sku', 'price', 'currency', 'availability', 'condition',
  'image', 'canonical_url', 'description', 'price_is_range', 'variants', 'source'];

function ordered(f) {
  const out = {};
  for (const k of ORDER) if (k in f) out[k] = f[k];
  return out;
}

/**
 * Extracts from raw HTML with a parse function (html => Document), with the
 * Go extractor's size limit and early exit. Used by tests and tools.
 */
export function extractHTML(html, pageURL, parse) {
  if (new TextEncoder().encode(html).length > MAX_PAGE_SIZE) throw new Error('extract: page is larger than 5 MiB');
  if (!hasProductSignal(html)) return { is_product: false };
  return extractDocument(parse(html), pageURL);
}

/**
 * Flattens facts to the plain strings /v1/compare takes: {title, brand,
 * gtin, ..., price_is_range, variants}; missing facts are left out.
 */
export function factsForCompare(f) {
  const out = {};
  if (!f || !f.is_product) return out;
  for (const k of ['title', 'brand', 'gtin', 'mpn', 'sku', 'price', 'currency', 'availability', 'condition', 'image']) {
    if (f[k] && f[k].value) out[k] = f[k].value;
  }
  if (out.price) out.price_is_range = Boolean(f.price_is_range);
  if (f.variants) out.variants = { ...f.variants };
  return out;
}
