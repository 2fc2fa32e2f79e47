// The one message dispatcher: listed types only, content scripts limited to
// their types, payload shapes validated before any handler runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDispatcher } from '../../src/background/dispatcher.js';
import { MESSAGE_TYPES } from '../../src/shared/messages.js';

const ORIGIN = 'chrome-extension://abcdef/';
const content = { id: 'abcdef', url: 'https://shop.example/p/1', tab: { id: 3 } };
const page = { id: 'abcdef', url: 'chrome-extension://abcdef/popup/popup.html' };
const other = { id: 'zzz', url: 'chrome-extension://zzz/x.html' };

function setup() {
  const calls = [];
  const handlers = Object.fromEntries(Object.keys(MESSAGE_TYPES).map((k) => [k, async (p) => {
    calls.push([k, p]);
    if (p && p.boom) throw Object.assign(new Error('server said no'), { code: 'not_found' });
    return { handled: k };
  }]));
  return { calls, dispatch: createDispatcher({ handlers, extensionOrigin: ORIGIN, selfId: 'abcdef' }) };
}

const facts = { title: 'Merino Tee', brand: 'Northwind', gtin: '00190987654324', price: '72.00', currency: 'USD', price_is_range: false, variants: { size: 'XL' } };

const table = [
  // [name, message, sender, want ok, want error code]
  ['compare from a content script', { type: 'compare', payload: { domain: 'shop.example', facts } }, content, true],
  ['watch from a content script', { type: 'watch', payload: { product_id: 'tv-003', target_price: { amount: '569.99', currency: 'USD' } } }, content, true],
  ['addToList from a content script', { type: 'addToList', payload: { product_id: 'tv-003' } }, content, true],
  ['dismissSite from a content script', { type: 'dismissSite', payload: { domain: 'localhost' } }, content, true],
  ['setServer from a content script', { type: 'setServer', payload: { serverUrl: 'http://evil.example' } }, content, false, 'forbidden'],
  ['listWatches from a content script', { type: 'listWatches', payload: {} }, content, false, 'forbidden'],
  ['checkAlerts from a content script', { type: 'checkAlerts' }, content, false, 'forbidden'],
  ['setServer from an extension page', { type: 'setServer', payload: { serverUrl: 'http://127.0.0.1:9000' } }, page, true],
  ['listWatches from the popup', { type: 'listWatches' }, page, true],
  ['another extension', { type: 'compare', payload: { domain: 'shop.example', facts } }, other, false, 'forbidden'],
  ['no sender', { type: 'compare', payload: { domain: 'shop.example', facts } }, null, false, 'forbidden'],
  ['unknown type', { type: 'collectHistory', payload: {} }, content, false, 'unknown_type'],
  ['panel page_view from a content script', { type: 'panelEvent', payload: { type: 'page_view', url: 'https://shop.example/p/1', referrer_domain: 'news.example', dwell_ms: 1200 } }, content, true],
  ['panel link_click from a content script', { type: 'panelEvent', payload: { type: 'link_click', from: 'https://shop.example/p/1', to: 'https://other.example/' } }, content, true],
  ['panel comparison_shown', { type: 'panelEvent', payload: { type: 'comparison_shown', domain: 'shop.example', product_id: 'tv-003', status: 'match' } }, content, true],
  ['panel event with page text', { type: 'panelEvent', payload: { type: 'page_view', url: 'https://shop.example/p/1', referrer_domain: '', dwell_ms: 5, text: 'hello' } }, content, false, 'invalid'],
  ['panel referrer as a full address', { type: 'panelEvent', payload: { type: 'page_view', url: 'https://shop.example/p/1', referrer_domain: 'https://news.example/a?b', dwell_ms: 5 } }, content, false, 'invalid'],
  ['panel event of an unknown type', { type: 'panelEvent', payload: { type: 'keystroke', key: 'a' } }, content, false, 'invalid'],
  ['panel non-http url', { type: 'panelEvent', payload: { type: 'link_click', from: 'https://shop.example/', to: 'javascript:alert(1)' } }, content, false, 'invalid'],
  ['panelJoin from a content script', { type: 'panelJoin', payload: { scopes: ['page_views'], notice_version: 'v1', lang: 'en' } }, content, false, 'forbidden'],
  ['panelLeave from a content script', { type: 'panelLeave' }, content, false, 'forbidden'],
  ['redeem from a content script', { type: 'redeem' }, content, false, 'forbidden'],
  ['panelJoin from the consent page', { type: 'panelJoin', payload: { scopes: ['page_views'], notice_version: 'v1', lang: 'en' } }, page, true],
  ['panelJoin with an unknown scope', { type: 'panelJoin', payload: { scopes: ['keystrokes'], notice_version: 'v1', lang: 'en' } }, page, false, 'invalid'],
  ['panelJoin with a repeated scope', { type: 'panelJoin', payload: { scopes: ['page_views', 'page_views'], notice_version: 'v1', lang: 'en' } }, page, false, 'invalid'],
  ['prototype key as type', { type: 'toString', payload: {} }, page, false, 'unknown_type'],
  ['not an object', 'compare', content, false, 'invalid'],
  ['compare: page URL smuggled in facts', { type: 'compare', payload: { domain: 'shop.example', facts: { ...facts, url: 'https://shop.example/account?id=1' } } }, content, false, 'invalid'],
  ['compare: extra top-level key', { type: 'compare', payload: { domain: 'shop.example', facts, path: '/p/1' } }, content, false, 'invalid'],
  ['compare: a URL as domain', { type: 'compare', payload: { domain: 'https://shop.example/p/1', facts } }, content, false, 'invalid'],
  ['compare: number as a fact', { type: 'compare', payload: { domain: 'shop.example', facts: { ...facts, price: 72 } } }, content, false, 'invalid'],
  ['compare: no identifying fact', { type: 'compare', payload: { domain: 'shop.example', facts: { price: '72.00', currency: 'USD' } } }, content, false, 'invalid'],
  ['compare: huge fact', { type: 'compare', payload: { domain: 'shop.example', facts: { title: 'x'.repeat(5000) } } }, content, false, 'invalid'],
  ['watch: float price', { type: 'watch', payload: { product_id: 'tv-003', target_price: { amount: 569.99, currency: 'USD' } } }, content, false, 'invalid'],
  ['watch: bad currency', { type: 'watch', payload: { product_id: 'tv-003', target_price: { amount: '569.99', currency: 'usd' } } }, content, false, 'invalid'],
  ['watch: path in product id', { type: 'watch', payload: { product_id: '../admin', target_price: { amount: '1.00', currency: 'USD' } } }, content, false, 'invalid'],
  ['setSettings: cap out of range', { type: 'setSettings', payload: { dailyCap: 1000 } }, page, false, 'invalid'],
  ['recommend from a content script', { type: 'recommend', payload: { product_id: 'tv-003' } }, content, true],
  ['recommend: a page URL instead of an id', { type: 'recommend', payload: { product_id: 'https://shop.example/p/1' } }, content, false, 'invalid'],
  ['recommend: a session list smuggled in', { type: 'recommend', payload: { product_id: 'tv-003', session: ['a', 'b'] } }, content, false, 'invalid'],
  ['recommend: no product', { type: 'recommend', payload: {} }, content, false, 'invalid'],
  ['recommend: number as id', { type: 'recommend', payload: { product_id: 3 } }, content, false, 'invalid'],
  ['recommend: id with a comma (would split the session)', { type: 'recommend', payload: { product_id: 'a,b' } }, content, false, 'invalid'],
  ['setSettings: ok', { type: 'setSettings', payload: { dailyCap: 3, alarmMinutes: 30 } }, page, true],
];

for (const [name, msg, sender, ok, code] of table) {
  test(`dispatch: ${name}`, async () => {
    const { dispatch, calls } = setup();
    const res = await dispatch(msg, sender);
    assert.equal(res.ok, ok, JSON.stringify(res));
    if (ok) {
      assert.equal(calls.length, 1);
      assert.deepEqual(res.data, { handled: msg.type });
    } else {
      assert.equal(res.error.code, code);
      assert.equal(calls.length, 0, 'no handler ran');
    }
  });
}

test('dispatch: handler errors come back as {ok: false} with their code', async () => {
  const { dispatch } = setup();
  const res = await dispatch({ type: 'setSettings', payload: {} }, page);
  assert.equal(res.ok, true);
  const handlers = { listWatches: async () => { throw Object.assign(new Error('gone'), { code: 'not_found' }); } };
  const d = createDispatcher({ handlers, extensionOrigin: ORIGIN, selfId: 'abcdef' });
  assert.deepEqual(await d({ type: 'listWatches' }, page), { ok: false, error: { code: 'not_found', message: 'gone' } });
});

test('every listed type is either open to content scripts or not, explicitly', () => {
  for (const [k, spec] of Object.entries(MESSAGE_TYPES)) {
    assert.equal(typeof spec.content, 'boolean', k);
    assert.equal(typeof spec.valid, 'function', k);
  }
  const open = Object.keys(MESSAGE_TYPES).filter((k) => MESSAGE_TYPES[k].content).sort();
  assert.deepEqual(open, ['addToList', 'compare', 'dismissSite', 'openOptions', 'panelEvent', 'recommend', 'watch']);
});
