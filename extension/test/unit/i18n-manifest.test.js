// i18n: English and French have the same keys and placeholders, and every
// key the code uses exists. Manifest: the build merges the overlays,
// src/manifest.json is the Chrome manifest, and the zips are valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { extDir } from '../helpers.js';
import { manifestFor, manifestText, merge } from '../../tools/manifest.mjs';
import { build } from '../../tools/build.mjs';
import { crc32 } from '../../tools/crc32.mjs';

const src = join(extDir, 'src');
const load = (lang) => JSON.parse(readFileSync(join(src, '_locales', lang, 'messages.json'), 'utf8'));

function files(dir) {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

test('en and fr have identical key sets and the same placeholders', () => {
  const en = load('en');
  const fr = load('fr');
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
  for (const k of Object.keys(en)) {
    const ph = (s) => [...s.matchAll(/\$(\d)/g)].map((m) => m[1]).sort().join(',');
    assert.equal(ph(fr[k].message), ph(en[k].message), `placeholders of ${k}`);
    assert.ok(fr[k].message.trim(), `fr ${k} is empty`);
  }
});

test('every message key used in the code and pages exists', () => {
  const en = load('en');
  const used = new Set();
  for (const f of files(src)) {
    if (!/\.(js|html|json)$/.test(f) || f.includes('_locales')) continue;
    const s = readFileSync(f, 'utf8');
    for (const m of s.matchAll(/\bt\('([A-Za-z0-9_]+)'/g)) used.add(m[1]);
    for (const m of s.matchAll(/getMessage\('([A-Za-z0-9_]+)'/g)) used.add(m[1]);
    for (const m of s.matchAll(/data-i18n="([A-Za-z0-9_]+)"/g)) used.add(m[1]);
    for (const m of s.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) used.add(m[1]);
    for (const m of s.matchAll(/'(bar[A-Z][A-Za-z]+|options(?:Error)[A-Za-z]+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size > 50, `found ${used.size} keys`);
  for (const k of used) assert.ok(en[k], `missing message ${k}`);
  // Pages carry no hard-coded text outside data-i18n elements (their text is the English fallback only).
  for (const f of files(src).filter((x) => x.endsWith('.html'))) {
    const s = readFileSync(f, 'utf8');
    for (const m of s.matchAll(/<(p|h1|h2|button|label|th|td|span|a)\b([^>]*)>([^<]+)</g)) {
      if (m[3].trim() === '') continue;
      assert.match(m[2], /data-i18n=/, `${relative(src, f)}: text "${m[3].trim()}" is not translated`);
    }
  }
});

test('manifest overlays merge: Chrome has a module service worker, Firefox background scripts and gecko settings', () => {
  assert.deepEqual(merge({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2] }, d: null }), { a: { b: 1, c: [2] } });
  const chrome = manifestFor(extDir, 'chrome');
  assert.equal(chrome.manifest_version, 3);
  assert.deepEqual(chrome.background, { service_worker: 'background/main.js', type: 'module' });
  assert.equal(chrome.browser_specific_settings, undefined);
  const ff = manifestFor(extDir, 'firefox');
  assert.deepEqual(ff.background, { scripts: ['background/main.js'], type: 'module' });
  assert.equal(ff.browser_specific_settings.gecko.id, 'vitrine@vitrine.example');
  assert.ok(ff.browser_specific_settings.gecko.data_collection_permissions.required.length > 0);
  assert.equal(readFileSync(join(src, 'manifest.json'), 'utf8'), manifestText(chrome), 'src/manifest.json is the merged Chrome manifest (run npm run build)');
  for (const m of [chrome, ff]) {
    for (const p of [m.background.service_worker || m.background.scripts[0], m.action.default_popup, m.options_ui.page, ...m.content_scripts[0].js, ...Object.values(m.icons)]) {
      assert.ok(existsSync(join(src, p)), `${p} exists`);
    }
  }
});

function unzip(buf) {
  const out = {};
  let i = 0;
  while (buf.readUInt32LE(i) === 0x04034b50) {
    const method = buf.readUInt16LE(i + 8);
    const crc = buf.readUInt32LE(i + 14);
    const size = buf.readUInt32LE(i + 18);
    const nameLen = buf.readUInt16LE(i + 26);
    const extra = buf.readUInt16LE(i + 28);
    const name = buf.subarray(i + 30, i + 30 + nameLen).toString('utf8');
    const body = buf.subarray(i + 30 + nameLen + extra, i + 30 + nameLen + extra + size);
    const data = method === 8 ? inflateRawSync(body) : body;
    assert.equal(crc32(data), crc, `crc of ${name}`);
    out[name] = data;
    i += 30 + nameLen + extra + size;
  }
  return out;
}

test('build writes dist/chrome, dist/firefox and valid zips; --server sets the default server', () => {
  const out = mkdtempSync(join(tmpdir(), 'vitrine-build-'));
  try {
    const res = build({ out, server: 'https://shop.example:8443/', browsers: ['chrome', 'firefox'], zip: true });
    for (const r of res) {
      const m = JSON.parse(readFileSync(join(r.dir, 'manifest.json'), 'utf8'));
      assert.ok(m.host_permissions.includes('https://shop.example/*'));
      assert.deepEqual(JSON.parse(readFileSync(join(r.dir, 'defaults.json'), 'utf8')), { serverUrl: 'https://shop.example:8443' });
      const z = unzip(readFileSync(r.zip));
      assert.deepEqual(JSON.parse(z['manifest.json']), m);
      assert.ok(z['content/loader.js'] && z['extract/index.js'] && z['_locales/fr/messages.json']);
      assert.equal(Object.keys(z).length, files(r.dir).length);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('every scope, never-collected item, purpose and sensitive category of the server policy has en and fr wording', () => {
  const pol = JSON.parse(readFileSync(join(extDir, '..', 'internal', 'policy', 'policy.json'), 'utf8'));
  for (const lang of ['en', 'fr']) {
    const m = load(lang);
    for (const s of pol.scopes) for (const k of [`scope_${s}`, `scopeDetail_${s}`, `scopeShort_${s}`]) assert.ok(m[k], `${lang}: ${k}`);
    for (const n of pol.never_collected) assert.ok(m[`never_${n}`], `${lang}: never_${n}`);
    for (const p of pol.purposes) assert.ok(m[`purpose_${p}`], `${lang}: purpose_${p}`);
    for (const c of Object.keys(pol.sensitive)) assert.ok(m[`category_${c}`], `${lang}: category_${c}`);
  }
});
