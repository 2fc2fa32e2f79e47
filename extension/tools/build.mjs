#!/usr/bin/env node
// Builds the extension for each browser without dependencies: copies src/
// and writes the merged manifest (manifest.base.json + manifest.BROWSER.json).
//
//   node tools/build.mjs [--out DIR] [--server URL] [--browser chrome|firefox] [--no-zip]
//
// --server URL makes URL the default server of this build (for a store
// publishing its own extension, and for the end-to-end tests): it is written
// to defaults.json and its origin added to host_permissions.
// Output: DIR/chrome/, DIR/firefox/ and DIR/vitrine-BROWSER-VERSION.zip
// (DIR defaults to dist/). src/manifest.json (the Chrome manifest, so that
// src/ loads unpacked as-is) is refreshed too.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { BROWSERS, manifestFor, manifestText } from './manifest.mjs';
import { zip } from './zip.mjs';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function parseArgs(argv) {
  const o = { out: join(root, 'dist'), server: '', browsers: BROWSERS, zip: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') o.out = resolve(argv[++i]);
    else if (a === '--server') o.server = argv[++i];
    else if (a === '--browser') o.browsers = [argv[++i]];
    else if (a === '--no-zip') o.zip = false;
    else throw new Error(`unknown argument ${a}`);
  }
  for (const b of o.browsers) if (!BROWSERS.includes(b)) throw new Error(`unknown browser ${b}`);
  return o;
}

function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** The origin part of a server URL for a host permission (no port: match patterns have none). */
function serverOrigin(url) {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--server: want an http(s) URL, got ${url}`);
  return `${u.protocol}//${u.hostname}`;
}

export function build(opts) {
  // Keep src/manifest.json (Chrome) in step with the overlays.
  const srcManifest = manifestText(manifestFor(root, 'chrome'));
  const srcPath = join(src, 'manifest.json');
  if (!existsSync(srcPath) || readFileSync(srcPath, 'utf8') !== srcManifest) writeFileSync(srcPath, srcManifest);

  const results = [];
  mkdirSync(opts.out, { recursive: true });
  for (const browser of opts.browsers) {
    const dir = join(opts.out, browser);
    rmSync(dir, { recursive: true, force: true });
    cpSync(src, dir, { recursive: true, filter: (p) => !p.endsWith('.DS_Store') });
    const m = manifestFor(root, browser, { serverOrigin: opts.server ? serverOrigin(opts.server) : '' });
    writeFileSync(join(dir, 'manifest.json'), manifestText(m));
    if (opts.server) writeFileSync(join(dir, 'defaults.json'), JSON.stringify({ serverUrl: opts.server.replace(/\/+$/, '') }, null, 2) + '\n');
    let zipPath = '';
    if (opts.zip) {
      const files = listFiles(dir).map((p) => ({ name: relative(dir, p).split('\\').join('/'), data: readFileSync(p) }));
      zipPath = join(opts.out, `vitrine-${browser}-${m.version}.zip`);
      writeFileSync(zipPath, zip(files));
    }
    results.push({ browser, dir, zip: zipPath, version: m.version });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = parseArgs(process.argv.slice(2));
  for (const r of build(opts)) {
    console.log(`${r.browser}: ${relative(process.cwd(), r.dir) || '.'}${r.zip ? ` and ${relative(process.cwd(), r.zip)}` : ''}`);
  }
}
