// schema.org data (JSON-LD, Microdata, RDFa-lite alike) read as a tree of
// null-prototype objects: a port of internal/extract/schema.go. Values are
// strings (machine-readable), TextValue (element text), JSONNumber, booleans,
// null, arrays, or nodes whose "@type" holds their types.

import { MAX_DESCRIPTION, absURL } from './dom.js';
import { MAX_JSON_DEPTH } from './jsonlax.js';
import { collapse, goTrimSpace, truncateRunes } from './text.js';
import {
  isNode, list, normAvailability, normCondition, normCurrency, normGTIN, readPrice, sameAmount, scalar, text,
} from './normalize.js';

export const NO_SIGNAL = 0;
export const PRODUCT_SIGNAL = 1;
export const LISTING_SIGNAL = 2;

const PRODUCT_TYPES = new Set(['product', 'productgroup', 'individualproduct', 'productmodel', 'someproducts', 'vehicle', 'car', 'motorcycle']);
const PAGE_TYPES = new Set(['webpage', 'itempage', 'productpage', 'offerpage']);
const PREFIXES = ['https://schema.org/', 'http://schema.org/', 'https://www.schema.org/', 'http://www.schema.org/', 'schema:'];

/** An empty candidate (what one source found). */
export function emptyCandidate() {
  return {
    signal: NO_SIGNAL, title: '', brand: '', gtin: '', mpn: '', sku: '', price: '', currency: '',
    availability: '', condition: '', image: '', canonicalURL: '', description: '', priceIsRange: false, variants: null,
  };
}

/** Strips schema.org prefixes from a property name. */
export function normKey(k) {
  k = goTrimSpace(k);
  for (const pre of PREFIXES) {
    if (k.length > pre.length && k.slice(0, pre.length).toLowerCase() === pre) return k.slice(pre.length);
  }
  return k;
}

function afterLastSep(t) {
  const i = Math.max(t.lastIndexOf('/'), t.lastIndexOf('#'), t.lastIndexOf(':'));
  return i >= 0 ? t.slice(i + 1) : t;
}

/** Rewrites the keys of every node under v with normKey (the unprefixed key wins). */
export function normKeys(v, depth) {
  if (depth > MAX_JSON_DEPTH + 2) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = normKeys(v[i], depth + 1);
    return v;
  }
  if (isNode(v)) {
    const out = Object.create(null);
    for (const k of Object.keys(v)) {
      const nk = normKey(k);
      if (nk in out && nk !== k) continue;
      out[nk] = normKeys(v[k], depth + 1);
    }
    return out;
  }
  return v;
}

/** The node's types, lower case, prefixes stripped. */
export function typesOf(n) {
  const out = [];
  for (const v of list(n['@type'])) {
    if (typeof v !== 'string') continue;
    for (const f of v.split(/\s+/)) {
      if (f === '') continue;
      out.push(afterLastSep(normKey(f)).toLowerCase());
    }
  }
  return out;
}

function hasType(n, set) {
  return typesOf(n).some((t) => set.has(t));
}

function isType(n, t) {
  return typesOf(n).includes(t);
}

const keyCount = (m) => Object.keys(m).length;

/** Interprets the schema.org data of one source. */
export class SchemaGraph {
  constructor(roots) {
    this.roots = roots;
    this.ids = new Map();
  }

  node(v) {
    if (!isNode(v)) return null;
    const len = keyCount(v);
    if (len === 1 || (len === 2 && v['@type'] != null)) {
      const id = v['@id'];
      if (typeof id === 'string' && this.ids.get(id)) return this.ids.get(id);
    }
    return v;
  }

  nodes(n, key) {
    const out = [];
    for (const v of list(n[key])) {
      const m = this.node(v);
      if (m) out.push(m);
    }
    return out;
  }

  /** The first value of n[key] as a display name: a scalar or a node's name. */
  name(n, key) {
    for (const v of list(n[key])) {
      const m = this.node(v);
      if (m) {
        const s = text(m, 'name');
        if (s !== '') return s;
        continue;
      }
      const s = scalar(v);
      if (s !== '') return s;
    }
    return '';
  }

  collectRoots() {
    const out = [];
    const walk = (v, depth) => {
      if (depth > 8) return;
      if (Array.isArray(v)) {
        for (const x of v) walk(x, depth + 1);
      } else if (isNode(v)) {
        if ('@graph' in v) {
          walk(v['@graph'], depth + 1);
          if (v['@type'] == null) return;
        }
        out.push(v);
      }
    };
    for (const r of this.roots) walk(r, 0);
    const index = (v, depth) => {
      if (depth > MAX_JSON_DEPTH) return;
      if (Array.isArray(v)) {
        for (const x of v) index(x, depth + 1);
      } else if (isNode(v)) {
        const id = v['@id'];
        if (typeof id === 'string' && keyCount(v) > 1) {
          const old = this.ids.get(id);
          if (!old || keyCount(v) > keyCount(old)) this.ids.set(id, v);
        }
        for (const k of Object.keys(v)) index(v[k], depth + 1);
      }
    };
    for (const n of out) index(n, 0);
    return out;
  }

  /** The candidate of this source: nothing, one product, or a listing. */
  interpret(p) {
    const roots = this.collectRoots();
    const products = [];
    const seen = new Set();
    const add = (n) => {
      if (!n) return;
      const id = n['@id'];
      if (typeof id === 'string' && id !== '') {
        if (seen.has(id)) return;
        seen.add(id);
      }
      if (hasType(n, PRODUCT_TYPES) || (isType(n, 'book') && n.offers != null)) products.push(n);
    };
    let itemList = false;
    for (const n of roots) {
      if (hasType(n, PAGE_TYPES) || n.mainEntity != null) {
        for (const m of this.nodes(n, 'mainEntity')) {
          if (isListNode(m)) itemList = true;
          add(m);
        }
        add(n);
      } else if (isType(n, 'offer') && n.itemOffered != null) {
        for (const m of this.nodes(n, 'itemOffered')) {
          const c = Object.assign(Object.create(null), m);
          if (c.offers == null) {
            const o = Object.create(null);
            for (const k of Object.keys(n)) if (k !== 'itemOffered') o[k] = n[k];
            c.offers = o;
          }
          add(c);
        }
      } else if (isListNode(n)) {
        itemList = true;
      } else {
        add(n);
      }
    }
    if (products.length === 0) {
      const c = emptyCandidate();
      if (itemList) c.signal = LISTING_SIGNAL;
      return c;
    }
    const names = new Set();
    for (const n of products) {
      const s = p.cleanText(text(n, 'name')).toLowerCase();
      if (s !== '') names.add(s);
    }
    if (names.size > 1) {
      const c = emptyCandidate();
      c.signal = LISTING_SIGNAL;
      return c;
    }
    let c = emptyCandidate();
    for (const n of products) c = mergeCandidates(c, this.product(p, n));
    c.signal = PRODUCT_SIGNAL;
    return c;
  }

  product(p, n) {
    const variants = this.nodes(n, 'hasVariant');
    if (variants.length === 0) return this.single(p, n, null);
    const v = this.selectVariant(p, variants);
    let c = this.single(p, v, n);
    const t = p.cleanText(text(n, 'name'));
    if (t !== '') c.title = t;
    c = mergeCandidates(c, this.single(p, n, null));
    const attrs = {};
    let keys = [];
    for (const vb of list(n.variesBy)) {
      const k = scalar(vb);
      if (k !== '') keys.push(afterLastSep(normKey(k)));
    }
    if (keys.length === 0) keys = ['color', 'size', 'material', 'pattern'];
    for (const k of keys) {
      const val = p.cleanText(this.name(v, k));
      if (val !== '') attrs[k.toLowerCase()] = val;
    }
    if (Object.keys(attrs).length > 0) c.variants = attrs;
    return c;
  }

  selectVariant(p, vs) {
    for (const v of vs) {
      if (this.matchesURL(p, v)) return v;
      for (const o of this.nodes(v, 'offers')) if (this.matchesURL(p, o)) return v;
    }
    for (const v of vs) {
      for (const o of this.nodes(v, 'offers')) if (normAvailability(text(o, 'availability')) === 'in_stock') return v;
    }
    return vs[0];
  }

  matchesURL(p, n) {
    if (p.variant === '' && p.sku === '') return false;
    for (const want of [p.variant, p.sku]) {
      if (want === '') continue;
      if (text(n, 'sku') === want || text(n, 'productID') === want) return true;
      for (const k of ['url', '@id']) {
        const s = text(n, k);
        if (s === '') continue;
        const q = queryOf(s);
        if ((p.variant !== '' && q.get('variant') === p.variant) || (p.sku !== '' && q.get('sku') === p.sku)) return true;
      }
    }
    return false;
  }

  single(p, n, group) {
    const c = emptyCandidate();
    c.title = p.cleanText(text(n, 'name'));
    c.brand = p.cleanText(this.name(n, 'brand'));
    c.gtin = gtinOf(n);
    c.mpn = collapse(text(n, 'mpn'));
    c.sku = collapse(text(n, 'sku'));
    c.description = truncateRunes(p.cleanText(text(n, 'description')), MAX_DESCRIPTION);
    c.image = this.imageOf(p, n);
    c.canonicalURL = absURL(p, text(n, 'url'));
    c.condition = normCondition(text(n, 'itemCondition'));
    let offers = this.nodes(n, 'offers');
    if (offers.length === 0 && group) offers = this.nodes(group, 'offers');
    const o = this.selectOffer(p, offers);
    if (o) {
      const oc = this.offer(o);
      c.price = oc.price;
      c.currency = oc.currency;
      c.priceIsRange = oc.priceIsRange;
      c.availability = oc.availability;
      if (oc.condition !== '') c.condition = oc.condition;
      if (c.sku === '') c.sku = collapse(text(o, 'sku'));
      if (c.gtin === '') c.gtin = gtinOf(o);
      if (c.mpn === '') c.mpn = collapse(text(o, 'mpn'));
    }
    return c;
  }

  selectOffer(p, offers) {
    if (offers.length === 0) return null;
    for (const o of offers) if (this.matchesURL(p, o)) return o;
    for (const o of offers) if (normAvailability(text(o, 'availability')) === 'in_stock') return o;
    return offers[0];
  }

  offer(o) {
    const c = emptyCandidate();
    c.availability = normAvailability(text(o, 'availability'));
    c.condition = normCondition(text(o, 'itemCondition'));
    c.currency = normCurrency(text(o, 'priceCurrency'));

    if (isType(o, 'aggregateoffer') && o.price == null) {
      const inner = this.nodes(o, 'offers');
      if (inner.length > 0) {
        if (c.availability === '') c.availability = normAvailability(text(inner[0], 'availability'));
        if (c.condition === '') c.condition = normCondition(text(inner[0], 'itemCondition'));
      }
      const [low, lowCur] = readPrice(o.lowPrice, c.currency);
      if (low === '') {
        if (inner.length > 0 && !isType(inner[0], 'aggregateoffer')) {
          const ic = this.offer(inner[0]);
          if (c.availability === '') c.availability = ic.availability;
          ic.priceIsRange = ic.priceIsRange || inner.length > 1;
          if (ic.currency === '') ic.currency = c.currency;
          c.price = ic.price;
          c.currency = ic.currency;
          c.priceIsRange = ic.priceIsRange;
        }
        return c;
      }
      const [high] = readPrice(o.highPrice, c.currency);
      const count = text(o, 'offerCount');
      c.price = low;
      if (c.currency === '') c.currency = lowCur;
      if (high !== '') c.priceIsRange = !sameAmount(high, low);
      else c.priceIsRange = count !== '' && count !== '1' && count !== '0';
      return c;
    }

    const [v, cur] = readPrice(o.price, c.currency);
    if (v !== '') {
      c.price = v;
      if (c.currency === '') c.currency = cur;
      return c;
    }
    for (const ps of this.priceSpecs(o)) {
      if (!isSellingPrice(ps)) continue;
      let pcur = normCurrency(text(ps, 'priceCurrency'));
      if (pcur === '') pcur = c.currency;
      const [pv, tcur] = readPrice(ps.price, pcur);
      if (pv !== '') {
        c.price = pv;
        if (pcur === '') pcur = tcur;
        c.currency = pcur;
        return c;
      }
    }
    return c;
  }

  priceSpecs(n) {
    const out = [];
    for (const ps of this.nodes(n, 'priceSpecification')) {
      const comps = this.nodes(ps, 'priceComponent');
      if (comps.length > 0) out.push(...comps);
      else out.push(ps);
    }
    return out;
  }

  imageOf(p, n) {
    for (const v of list(n.image)) {
      const m = this.node(v);
      if (m) {
        for (const k of ['url', 'contentUrl']) {
          const u = absURL(p, text(m, k));
          if (u !== '') return u;
        }
        continue;
      }
      const u = absURL(p, scalar(v));
      if (u !== '') return u;
    }
    return '';
  }
}

/** The query parameters of a (possibly relative) URL. */
function queryOf(s) {
  let q = s;
  const h = q.indexOf('#');
  if (h >= 0) q = q.slice(0, h);
  const i = q.indexOf('?');
  if (i < 0) return new URLSearchParams();
  try {
    return new URLSearchParams(q.slice(i + 1));
  } catch {
    return new URLSearchParams();
  }
}

function isListNode(n) {
  if (!isType(n, 'itemlist') && !isType(n, 'offercatalog')) return false;
  return list(n.itemListElement).length >= 2;
}

function isSellingPrice(ps) {
  if (ps.referenceQuantity != null) return false;
  const pt = afterLastSep(normKey(text(ps, 'priceType')).toLowerCase());
  return pt === '' || pt === 'saleprice';
}

/** Fills the empty fields of a from b. */
export function mergeCandidates(a, b) {
  const out = { ...a };
  for (const k of ['title', 'brand', 'gtin', 'mpn', 'sku']) if (out[k] === '') out[k] = b[k];
  if (out.price === '' && b.price !== '') {
    out.price = b.price;
    out.priceIsRange = b.priceIsRange;
    if (b.currency !== '') out.currency = b.currency;
  }
  for (const k of ['currency', 'availability', 'condition', 'image', 'canonicalURL', 'description']) if (out[k] === '') out[k] = b[k];
  if (out.variants === null) out.variants = b.variants;
  return out;
}

const GTIN_PROPS = ['gtin14', 'gtin13', 'gtin12', 'gtin8', 'gtin', 'isbn'];

/** The node's first valid GTIN, as 14 digits. */
export function gtinOf(n) {
  for (const k of GTIN_PROPS) {
    for (const v of list(n[k])) {
      const g = normGTIN(scalar(v));
      if (g !== '') return g;
    }
  }
  return '';
}
