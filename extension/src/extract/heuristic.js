// The heuristic over the visible page: a port of internal/extract/heuristic.go.

import { attr, childElements, elementsByTag, hasToken, ownText, skipText, visibleText } from './dom.js';
import { LISTING_SIGNAL, PRODUCT_SIGNAL, emptyCandidate } from './schema.js';
import { hasCurrencyMarker, parseHumanPrice, sameAmount } from './normalize.js';
import { amountString } from './money.js';
import { runeCount } from './text.js';
import { isCartControl } from './detect.js';

const MAX_PRICE_TEXT = 40;

const EXCLUDED_TAGS = new Set(['nav', 'footer', 'aside', 'dialog', 's', 'del', 'strike']);

const CONTAINER_WORDS = new Set([
  'ad', 'ads', 'advert', 'adverts', 'advertisement',
  'related', 'similar', 'upsell', 'upsells', 'crosssell',
  'carousel', 'slider', 'recommendations', 'recommended',
  'accessories', 'bundle', 'banner', 'promo', 'sponsored',
  'recently', 'viewed', 'minicart', 'shipping', 'delivery',
  'reviews', 'breadcrumb', 'breadcrumbs', 'masthead',
]);
const CONTAINER_PARTS = [
  'related', 'recommend', 'carousel', 'upsell', 'cross-sell', 'crosssell', 'sponsor',
  'advert', 'also-bought', 'alsobought', 'also-viewed', 'frequently', 'you-may',
  'youmay', 'recently-viewed', 'mini-cart', 'minicart', 'ad-slot', 'adslot', 'site-header',
];

const NOT_PRICE_WORDS = new Set([
  'old', 'was', 'compare', 'rrp', 'msrp', 'regular',
  'before', 'original', 'strike', 'strikethrough', 'crossed',
  'list', 'save', 'saving', 'savings', 'discount',
  'unit', 'per', 'base', 'installment', 'instalment',
  'installments', 'instalments', 'monthly', 'finance',
  'financing', 'klarna', 'afterpay', 'from', 'shipping',
  'nonsale', 'reference',
]);
const NOT_PRICE_PARTS = [
  'oldprice', 'wasprice', 'listprice', 'unitprice', 'regularprice', 'baseprice',
  'compareat', 'compare-at', 'priceold', 'pricewas', 'strikeprice', 'crossedprice',
  'installment', 'instalment', 'priceperunit', 'perunit', 'non-sale', 'grundpreis',
  'price-per', 'priceper',
];

// Go's RE2 \s is [\t\n\f\r ] and \S its complement; \b and \d are ASCII in both.
const s = '[\\t\\n\\f\\r ]';
const NS = '[^\\t\\n\\f\\r ]';
const NOT_PRICE_TEXT = new RegExp(
  // instalments and monthly prices
  `payments? of|instal+ments?|/${s}*(mo|mth|month|monat|mois|mes|mese|mês|miesiąc|měsíc|mån|mnd|maand|月)\\b|` +
  `per month|a month|monthly|monatlich|par mois|al mese|al mes|por mes|por mês|per maand|miesięcznie|měsíčně|per månad|в месяц|` +
  `\\braten\\b|\\brate\\b|\\braty\\b|mensualit|\\bpix\\b|boleto|cuotas|parcelas|sem juros|\\d${s}*x${s}*(de${s})?${NS}*\\d|klarna|afterpay|affirm|paypal|sezzle|` +
  // per-unit prices
  `/${s}*(\\d+${s}*)?(kg|g|l|ml|cl|lb|oz|m|m²|m2|st|stk|szt|ks|pcs|unit|pc)([^a-z0-9]|$)|` +
  `(^|${s})(per|pro|je|par|por|за)${s}+(\\d+${s}*)?(kg|g|l|ml|cl|lb|oz|m|m²|unit|stück|piece|litre|liter|100)([^a-z0-9]|$)|` +
  // list, recommended and former prices
  `(^|${s})(was|reg\\.?|list price|rrp|msrp|m\\.?r\\.?p\\.?|uvp|statt|avant|before|originally)(${s}|:|$)|unverb|preisempf|` +
  `prix conseillé|prezzo consigliato|precio recomendado|preço sugerido|adviesprijs|doporučená|sugerowana|rekommenderat|` +
  // EU "lowest price in the last 30 days"
  `lowest|niedrigste|le plus bas|najniższa|nejnižší|più basso|más bajo|mais baixo|laagste|lägsta|30${s}*(days|dni|tage|tagen|jours|giorni|días|dias|dagen|dagar|dní|дней)|` +
  // "from" prices
  `(^|${s})(from|starting at|ab|à partir de|a partir de|a partire da|desde|vanaf|od|från|fra|от|alkaen)${s}|から|より|起|` +
  // savings and shipping
  `\\bsave\\b|you save|sparen|sie sparen|économisez|ahorra|risparmi|economize|bespaar|oszczędzasz|ušetříte|spara|экономия|` +
  'shipping|delivery|versand|livraison|envío|frete|spedizione|verzend|dostawa|doprava|frakt|доставка|送料',
);

const CARD_PARTS = ['product-card', 'productcard', 'product-tile', 'producttile', 'product-item', 'productitem', 'product-grid-item', 'grid-product', 's-result-item', 'card-product'];

function classWords(v) {
  return v.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');
}

function classMatch(n, words, parts) {
  for (const k of ['class', 'id']) {
    const v = attr(n, k);
    if (v === '') continue;
    if (words) {
      for (const w of classWords(v)) if (words.has(w)) return true;
    }
    if (parts) {
      const low = v.toLowerCase();
      if (parts.some((x) => low.includes(x))) return true;
    }
  }
  return false;
}

function isConcealed(n) {
  if (n.hasAttribute('hidden')) return true;
  return attr(n, 'style').replace(/ /g, '').toLowerCase().includes('display:none');
}

function isPriceElement(n) {
  if (hasToken(attr(n, 'itemprop'), 'price')) return true;
  return attr(n, 'class').toLowerCase().includes('price') || attr(n, 'id').toLowerCase().includes('price');
}

function readPriceElement(p, n) {
  const t = visibleText(n);
  if (t === '' || runeCount(t) > MAX_PRICE_TEXT) return null;
  if (NOT_PRICE_TEXT.test(t.toLowerCase())) return null;
  if (NOT_PRICE_TEXT.test(ownText(n.parentNode).toLowerCase())) return null;
  if (!hasCurrencyMarker(t)) return null;
  const hp = parseHumanPrice(t, p.hint);
  if (!hp || hp.isRange || hp.amount <= 0n || hp.currency === '') return null;
  return { n, amount: amountString(hp.amount), cur: hp.currency };
}

function pickNearH1(h1, cands) {
  if (cands.length === 0) return null;
  for (let a = h1.parentNode; a; a = a.parentNode) {
    const inside = cands.filter((pc) => pc.n !== a && a.contains(pc.n));
    if (inside.length === 0) continue;
    for (const pc of inside.slice(1)) {
      if (!sameAmount(pc.amount, inside[0].amount) || (pc.cur !== '' && inside[0].cur !== '' && pc.cur !== inside[0].cur)) return null;
    }
    let best = inside[0];
    for (const pc of inside) if (best.cur === '' && pc.cur !== '') best = pc;
    return best;
  }
  return null;
}

export function fromHeuristic(p) {
  const body = elementsByTag(p.doc, 'body')[0];
  const c = emptyCandidate();
  if (!body) return c;
  let h1 = null;
  const cands = [];
  let carts = 0;
  let cartButtons = 0;
  let cards = 0;
  const walk = (n, struck, inCard) => {
    for (const el of childElements(n)) {
      const tag = el.localName;
      if (skipText(el) || isConcealed(el) || EXCLUDED_TAGS.has(tag)) continue;
      const priceEl = isPriceElement(el);
      if (!priceEl && classMatch(el, CONTAINER_WORDS, CONTAINER_PARTS)) continue;
      let card = inCard;
      if (!inCard && CARD_PARTS.some((x) => attr(el, 'class').toLowerCase().includes(x))) {
        cards++;
        card = true;
      }
      if (isCartControl(el)) {
        carts++;
        if (tag !== 'form') cartButtons++;
      }
      if (tag === 'h1' && h1 === null) h1 = el;
      const st = struck || classMatch(el, null, NOT_PRICE_PARTS) || (priceEl && classMatch(el, NOT_PRICE_WORDS, null));
      if (!st && priceEl) {
        const pc = readPriceElement(p, el);
        if (pc) cands.push(pc);
      }
      walk(el, st, card);
    }
  };
  walk(body, false, false);

  if (cards >= 3 || cartButtons >= 3) {
    c.signal = LISTING_SIGNAL;
    return c;
  }
  if (h1 === null) return c;
  c.title = visibleText(h1);
  const pc = pickNearH1(h1, cands);
  if (pc) {
    c.price = pc.amount;
    c.currency = pc.cur;
  }
  if (c.title !== '' && carts > 0) c.signal = PRODUCT_SIGNAL;
  return c;
}
