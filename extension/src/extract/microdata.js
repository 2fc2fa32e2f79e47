// Microdata and RDFa-lite read into schema.org nodes: a port of
// internal/extract/microdata.go. itemref is not supported.

import { attr, childElements, fields, hasAttr, textContent } from './dom.js';
import { SchemaGraph, emptyCandidate, normKey } from './schema.js';
import { TextValue } from './normalize.js';

export const MICRODATA = { scope: (n) => hasAttr(n, 'itemscope'), typ: 'itemtype', prop: 'itemprop' };
export const RDFA = { scope: (n) => hasAttr(n, 'typeof'), typ: 'typeof', prop: 'property' };

function appendProp(n, k, v) {
  const old = n[k];
  if (old === undefined) n[k] = v;
  else if (Array.isArray(old)) old.push(v);
  else n[k] = [old, v];
}

function propValue(syn, n) {
  if (hasAttr(n, 'content')) return attr(n, 'content');
  switch (n.localName) {
    case 'meta':
      return '';
    case 'a': case 'area': case 'link':
      if (hasAttr(n, 'href')) return attr(n, 'href');
      break;
    case 'img': case 'audio': case 'embed': case 'iframe': case 'source': case 'track': case 'video':
      if (hasAttr(n, 'src')) return attr(n, 'src');
      break;
    case 'object':
      return attr(n, 'data');
    case 'data': case 'meter':
      return attr(n, 'value');
    case 'time':
      if (hasAttr(n, 'datetime')) return attr(n, 'datetime');
      break;
    default:
  }
  if (syn.typ === 'typeof' && hasAttr(n, 'resource')) return attr(n, 'resource');
  return new TextValue(textContent(n));
}

/**
 * Walks the document and returns [top-level items, loose properties] (the
 * properties found outside any item).
 */
export function items(syn, root) {
  const tops = [];
  const loose = Object.create(null);
  const walk = (n, cur) => {
    for (const c of childElements(n)) {
      const props = fields(attr(c, syn.prop));
      const target = cur || loose;
      if (syn.scope(c)) {
        const item = Object.create(null);
        const t = fields(attr(c, syn.typ));
        if (t.length > 0) item['@type'] = t;
        if (props.length > 0 && cur) {
          for (const pr of props) appendProp(cur, normKey(pr), item);
        } else {
          tops.push(item);
        }
        walk(c, item);
        continue;
      }
      if (props.length > 0) {
        const v = propValue(syn, c);
        for (const pr of props) appendProp(target, normKey(pr), v);
      }
      walk(c, cur);
    }
  };
  walk(root, null);
  return [tops, loose];
}

export function fromMicrodata(p) {
  if (p.mdTops.length === 0) return emptyCandidate();
  return new SchemaGraph(p.mdTops).interpret(p);
}

export function fromRDFa(p) {
  // Cheap skip: no typeof attribute, no RDFa item.
  if (!p.doc.querySelector('[typeof]')) return emptyCandidate();
  const [tops] = items(RDFA, p.doc);
  if (tops.length === 0) return emptyCandidate();
  return new SchemaGraph(tops).interpret(p);
}
