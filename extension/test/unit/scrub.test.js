// The panel's URL scrubbing agrees with the server's (internal/policy
// ScrubURL) on every shared vector of testdata/scrub/cases.json, using the
// server's own policy document (internal/policy/policy.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoDir } from '../helpers.js';
import { compilePolicy, hostMatches, looksLikeToken, scrubURL, sensitiveCategory, toBytes } from '../../src/panel/scrub.js';

const policyDoc = JSON.parse(readFileSync(join(repoDir, 'internal', 'policy', 'policy.json'), 'utf8'));
const cases = JSON.parse(readFileSync(join(repoDir, 'testdata', 'scrub', 'cases.json'), 'utf8'));
const cp = compilePolicy(policyDoc);

test('every shared scrub vector (testdata/scrub/cases.json)', () => {
  assert.ok(cases.length >= 49, `${cases.length} cases`);
  let n = 0;
  for (const c of cases) {
    const got = scrubURL(cp, c.in);
    if (c.error === 'not_collectable') {
      assert.equal(got.ok, false, `${c.in}: want not collectable, got ${got.url}`);
      assert.equal(got.notCollectable, true, `${c.in}: ${got.reason}`);
    } else {
      assert.equal(got.ok, true, `${c.in}: ${got.reason}`);
      assert.equal(got.url, c.out, c.in);
      // Scrubbing is idempotent: the server re-scrubs and compares.
      assert.equal(scrubURL(cp, got.url).url, got.url, `${c.in}: idempotent`);
    }
    n++;
  }
  assert.equal(n, cases.length);
});

// Expectations checked against the Go scrubber (tools/scrub-diff.mjs runs it on random URLs too).
test('Go net/url edge cases: bad escapes, control bytes, odd hosts, query parsing', () => {
  const table = [
    // [in, want url or null (not collected)]
    ['https://shop.example/p/%zz', null],
    ['https://shop.example/p/widget#%zz', null],
    ['https://shop.example/p/a b', 'https://shop.example/p/a%20b'],
    ['https://shop.example/p/a|b', 'https://shop.example/p/a%7Cb'],
    ['https://shop.example/p/a%7cb', 'https://shop.example/p/a%7cb'],
    ['https://shop.example/p/caf\u00e9', 'https://shop.example/p/caf%C3%A9'],
    ['https://shop.example/p/x\u0001', null],
    ['http:opaque', null],
    ['https://shop.example/p?size=a+b&size=c%20d&color', 'https://shop.example/p?color=&size=a+b&size=c+d'],
    ['https://shop.example/p?size=1;x=2&page=3', 'https://shop.example/p?page=3'],
    ['https://shop.example/p?Size=1&size=2', 'https://shop.example/p?Size=1&size=2'],
    ['https://shop.example/p?size=%zz&page=2', 'https://shop.example/p?page=2'],
    ['https://shop.example:8443/p', 'https://shop.example:8443/p'],
    ['https://a:b:80/p', null],
    ['HTTPS://SHOP.EXAMPLE/P?VARIANT=1', 'https://shop.example/P?VARIANT=1'],
    ['  https://shop.example/p  ', 'https://shop.example/p'],
    ['https://shop.example/a/jane@x.fr/b?', 'https://shop.example/a/:email/b'],
    ['https://shop.example/%2Fjane@x.fr', 'https://shop.example/%2Fjane@x.fr'],
    ['https://shop.example/o/order_12', 'https://shop.example/o/:order'],
    ['https://shop.example/o/ORD\u017F1', 'https://shop.example/o/:order'], // Go's (?i) folds ſ to s; so does the u flag
    ['https://[::1]:8080/p', 'https://::1:8080/p'],
    ['https://[1.2.3.4]/p', null],
    ['https://www.chase.com./p', null],
    ['https://chase.com.evil.example/p', 'https://chase.com.evil.example/p'],
    ['https://notchase.com/p', 'https://notchase.com/p'],
  ];
  for (const [input, want] of table) {
    const got = scrubURL(cp, input);
    if (want === null) assert.equal(got.ok, false, `${input}: got ${got.url}`);
    else assert.equal(got.url, want, `${input} (${got.reason || ''})`);
  }
});

test('sensitive categories: the policy order, subdomains, "*." patterns; never a suffix of a label', () => {
  assert.equal(sensitiveCategory(cp, 'secure.chase.com'), 'banking');
  assert.equal(sensitiveCategory(cp, 'www.irs.gov'), 'government');
  assert.equal(sensitiveCategory(cp, 'gov'), 'government');
  assert.equal(sensitiveCategory(cp, 'mail.google.com'), 'webmail');
  assert.equal(sensitiveCategory(cp, 'google.com'), '');
  assert.equal(sensitiveCategory(cp, 'mychase.com'), '');
  assert.equal(sensitiveCategory(cp, 'WWW.WEBMD.COM.'), 'health');
  assert.equal(hostMatches('a.b.example', 'b.example'), true);
  assert.equal(hostMatches('ab.example', 'b.example'), false);
});

test('the token rule: long letter+digit runs only', () => {
  assert.equal(looksLikeToken(toBytes('Xy9_kq2LmN8pQr4sTu6v-abc')), true);
  assert.equal(looksLikeToken(toBytes('samsung-65-inch-qn90c-neo-qled')), false);
  assert.equal(looksLikeToken(toBytes('abcdefghijklmnopqrstuvwxyz')), false);
  assert.equal(looksLikeToken(toBytes('B08N5WRWNW')), false);
});

test('a policy whose rules cannot run exactly as on the server is refused (the collector fails closed)', () => {
  const bad = structuredClone(policyDoc);
  bad.scrub.segment_rules.push({ name: 'x', pattern: '(?i)abc', replacement: ':x' });
  assert.throws(() => compilePolicy(bad), /inline flags/);
  const bad2 = structuredClone(policyDoc);
  bad2.scrub.segment_rules.push({ name: 'y', builtin: 'magic', replacement: ':y' });
  assert.throws(() => compilePolicy(bad2), /builtin/);
  assert.throws(() => compilePolicy({}), /scrub/);
});
