// OpenGraph and plain meta tags: a port of internal/extract/meta.go.

import { MAX_DESCRIPTION, absURL, attr, elementsByTag, hasToken } from './dom.js';
import { SchemaGraph, PRODUCT_SIGNAL, emptyCandidate, gtinOf } from './schema.js';
import {
  normAvailability, normCondition, normCurrency, normGTIN, parseHumanPrice, readPrice, text,
} from './normalize.js';
import { amountString } from './money.js';
import { collapse, goTrimSpace, truncateRunes } from './text.js';

/** <meta> contents by property/name (lower case); the first tag wins. */
export function metaTags(doc) {
  const m = new Map();
  for (const n of elementsByTag(doc, 'meta')) {
    if (!n.hasAttribute('content')) continue;
    for (const k of ['property', 'name']) {
      const key = goTrimSpace(attr(n, k)).toLowerCase();
      if (key === '') continue;
      if (!m.has(key)) m.set(key, goTrimSpace(attr(n, 'content')));
    }
  }
  return m;
}

function get(m, k) {
  return m.get(k) || '';
}

function firstOf(m, ...keys) {
  for (const k of keys) {
    const v = m.get(k);
    if (v) return v;
  }
  return '';
}

const OG_PRODUCT_TYPES = new Set(['product', 'og:product', 'product.item', 'product.group']);

export function fromOpenGraph(p) {
  const m = p.meta;
  const c = emptyCandidate();
  for (const [amt, curKey] of [
    ['product:sale_price:amount', 'product:sale_price:currency'],
    ['product:price:amount', 'product:price:currency'],
    ['og:price:amount', 'og:price:currency'],
  ]) {
    let cur = normCurrency(get(m, curKey));
    const [v, tcur] = readPrice(get(m, amt), cur);
    if (v !== '') {
      if (cur === '') cur = tcur;
      c.price = v;
      c.currency = cur;
      break;
    }
  }
  if (c.currency === '') c.currency = normCurrency(firstOf(m, 'product:price:currency', 'og:price:currency'));
  if (OG_PRODUCT_TYPES.has(get(m, 'og:type').toLowerCase()) || c.price !== '') c.signal = PRODUCT_SIGNAL;
  c.title = p.cleanText(get(m, 'og:title'));
  c.description = truncateRunes(p.cleanText(get(m, 'og:description')), MAX_DESCRIPTION);
  c.image = absURL(p, firstOf(m, 'og:image:secure_url', 'og:image', 'og:image:url'));
  c.canonicalURL = absURL(p, get(m, 'og:url'));
  c.brand = p.cleanText(firstOf(m, 'product:brand', 'og:brand'));
  c.availability = normAvailability(firstOf(m, 'product:availability', 'og:availability'));
  c.condition = normCondition(firstOf(m, 'product:condition', 'og:condition'));
  c.sku = collapse(get(m, 'product:retailer_item_id'));
  c.mpn = collapse(get(m, 'product:mfr_part_no'));
  for (const k of ['product:gtin', 'product:ean', 'product:upc', 'product:isbn']) {
    const g = normGTIN(get(m, k));
    if (g !== '') {
      c.gtin = g;
      break;
    }
  }
  return c;
}

const PRICE_LABELS = ['price', 'preis', 'prix', 'precio', 'prezzo', 'preço', 'prijs', 'pris', 'cena', 'цена', '価格', 'cijena', 'hinta'];

export function fromMeta(p) {
  const c = emptyCandidate();
  const g = new SchemaGraph([]);
  const l = p.mdLoose;
  let cur = normCurrency(text(l, 'priceCurrency'));
  const [v, tcur] = readPrice(l.price, cur);
  if (v !== '') {
    if (cur === '') cur = tcur;
    c.price = v;
    c.currency = cur;
  }
  if (c.price === '') {
    for (const i of ['1', '2', '3', '4']) {
      const label = get(p.meta, 'twitter:label' + i).toLowerCase();
      if (label === '' || !PRICE_LABELS.some((w) => label.includes(w))) continue;
      const hp = parseHumanPrice(get(p.meta, 'twitter:data' + i), cur);
      if (hp && hp.amount > 0n) {
        c.price = amountString(hp.amount);
        c.priceIsRange = hp.isRange;
        if (hp.currency !== '') cur = hp.currency;
        c.currency = cur;
        break;
      }
    }
  }
  if (c.currency === '') c.currency = cur;
  c.availability = normAvailability(text(l, 'availability'));
  c.condition = normCondition(text(l, 'itemCondition'));
  c.sku = collapse(text(l, 'sku'));
  c.mpn = collapse(text(l, 'mpn'));
  c.gtin = gtinOf(l);
  c.brand = p.cleanText(g.name(l, 'brand'));
  c.image = absURL(p, text(l, 'image'));
  const u = canonicalHref(p);
  if (u !== '') c.canonicalURL = u;
  c.description = truncateRunes(p.cleanText(get(p.meta, 'description')), MAX_DESCRIPTION);
  if (c.price !== '') c.signal = PRODUCT_SIGNAL;
  return c;
}

function canonicalHref(p) {
  for (const n of elementsByTag(p.doc, 'link')) {
    if (hasToken(attr(n, 'rel'), 'canonical')) {
      const u = absURL(p, attr(n, 'href'));
      if (u !== '') return u;
    }
  }
  return '';
}
