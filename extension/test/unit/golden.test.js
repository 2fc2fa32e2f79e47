// The extension's extractor on the golden corpus shared with the Go
// extractor (testdata/pages): every fact's value and source must match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { extractHTML } from '../../src/extract/index.js';
import { corpusDir } from '../helpers.js';

const parse = (html) => new JSDOM(html).window.document;

function canon(f) {
  const out = { ...f };
  if (out.variants) out.variants = Object.fromEntries(Object.entries(out.variants).sort(([a], [b]) => (a < b ? -1 : 1)));
  return out;
}

const pages = readdirSync(corpusDir).filter((f) => f.endsWith('.html')).sort();

test('corpus is present', () => {
  assert.ok(pages.length >= 60, `want the golden corpus in ${corpusDir}, found ${pages.length} pages`);
});

for (const page of pages) {
  const name = page.replace(/\.html$/, '');
  test(`golden ${name}`, () => {
    const want = JSON.parse(readFileSync(join(corpusDir, name + '.json'), 'utf8'));
    const html = readFileSync(join(corpusDir, page), 'utf8');
    const got = extractHTML(html, want.url, parse);
    assert.deepEqual(canon(got), canon(want.facts));
  });
}
