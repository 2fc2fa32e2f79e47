// The content script's cheap product check, kept apart from the extractor so
// that pages without any product signal load nothing else.

const ADD_TO_CART = /add[-_ ]?to[-_ ]?(cart|bag|basket|trolley)|buy[-_ ]?now|(cart|basket)\/add/i;
const CART_TAGS = new Set(['button', 'input', 'a', 'form']);
const CART_ATTRS = ['id', 'name', 'class', 'action', 'data-action', 'data-testid'];

/** Reports whether n is a button, input, link or form adding to the cart. */
export function isCartControl(n) {
  if (!CART_TAGS.has(n.localName)) return false;
  for (const k of CART_ATTRS) {
    const v = n.getAttribute(k);
    if (v && ADD_TO_CART.test(v)) return true;
  }
  return false;
}

const QUICK_SELECTOR = [
  'script[type*="ld+json" i]', '[itemscope]', '[itemprop]', '[typeof]',
  'meta[property="og:type" i]', 'meta[name="og:type" i]',
  'meta[property^="product:" i]', 'meta[name^="product:" i]',
  'meta[property^="og:price" i]', 'meta[name^="og:price" i]',
  'meta[name^="twitter:label" i]', 'meta[property^="twitter:label" i]',
].join(',');

/**
 * Is there anything on this live document that lets a source recognise a
 * product? Structured data (JSON-LD, Microdata, RDFa), OpenGraph or meta
 * price tags, or an <h1> next to an add-to-cart control. It is a superset of
 * what extractDocument can recognise, so false means "certainly not a
 * product page": the content script stops there, sends nothing and loads
 * nothing more.
 */
export function quickDetect(doc) {
  if (doc.querySelector(QUICK_SELECTOR)) return true;
  if (!doc.querySelector('body h1')) return false;
  const ctl = doc.querySelectorAll('button, input, a, form');
  for (let i = 0; i < ctl.length; i++) {
    if (isCartControl(ctl[i])) return true;
  }
  return false;
}
