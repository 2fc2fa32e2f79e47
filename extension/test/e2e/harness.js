// End-to-end harness: a real Vitrine demo server on a temporary database, a
// build of the extension pointing at it, and Debian's Chromium driven by
// playwright-core with the extension loaded. Nothing is downloaded.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import { build } from '../../tools/build.mjs';
import { repoDir } from '../helpers.js';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The vitrine binary: $VITRINE_BIN, else built once from the repository into a temp dir. */
export function vitrineBin(tmp) {
  if (process.env.VITRINE_BIN) return process.env.VITRINE_BIN;
  const bin = join(tmp, 'vitrine');
  execFileSync('go', ['build', '-o', bin, './cmd/vitrine'], { cwd: repoDir, stdio: 'inherit' });
  return bin;
}

async function waitHealthy(base, proc, ms = 60000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`vitrine serve exited with ${proc.exitCode}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('vitrine serve did not become healthy');
}

/** Starts `vitrine serve --demo` on a fresh SQLite file. */
export async function startServer() {
  const tmp = mkdtempSync(join(tmpdir(), 'vitrine-e2e-'));
  const bin = vitrineBin(tmp);
  const port = await freePort();
  const db = join(tmp, 'vitrine.db');
  const base = `http://127.0.0.1:${port}`;
  const log = [];
  const launch = async () => {
    const p = spawn(bin, ['serve', '--demo', '--db', `sqlite:${db}`, '--addr', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.on('data', (d) => log.push(String(d)));
    p.stderr.on('data', (d) => log.push(String(d)));
    await waitHealthy(base, p);
    return p;
  };
  const halt = async (p) => {
    p.kill('SIGTERM');
    await new Promise((r) => (p.exitCode !== null ? r() : p.once('exit', r)));
  };
  let proc = await launch();
  return {
    base, port, db, bin, tmp, log,
    /** The same site reached by another host name: a competitor shop, for the extension. */
    other: `http://localhost:${port}`,
    /** Stops the server and starts it again on the same database and port (models are trained at start). */
    async restart() {
      await halt(proc);
      proc = await launch();
    },
    async stop() {
      await halt(proc);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Builds dist for Chrome with the server as default and launches Chromium with it. */
export async function launchBrowser(serverBase, { locale = 'en-US', args = [] } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  const tmp = mkdtempSync(join(tmpdir(), 'vitrine-browser-'));
  const [{ dir }] = build({ out: join(tmp, 'dist'), server: serverBase, browsers: ['chrome'], zip: false });
  const profile = join(tmp, 'profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false,
    locale,
    // On Linux, Chromium's UI language (and so chrome.i18n's) comes from
    // LANGUAGE, not --lang; it also needs the locale's .pak (Debian:
    // chromium-l10n for anything but en-US).
    env: { ...process.env, LANGUAGE: locale.replace('-', '_'), LC_ALL: '', LANG: `${locale.replace('-', '_')}.UTF-8` },
    viewport: { width: 1200, height: 800 },
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--lang=${locale}`,
      `--disable-extensions-except=${dir}`, `--load-extension=${dir}`,
      ...args,
    ],
  });
  let [worker] = context.serviceWorkers();
  if (!worker) worker = await context.waitForEvent('serviceworker', { timeout: 30000 });
  const extensionId = new URL(worker.url()).host;
  return {
    context, worker, extensionId, dir,
    extUrl: (path) => `chrome-extension://${extensionId}/${path}`,
    async close() {
      await context.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * Reads the bar's shadow DOM through the DevTools protocol (a closed
 * shadow root is out of reach of page scripts, and of Playwright's
 * selectors, by design). Returns null when there is no bar, else
 * {html, text, roles: {role: text}, boxes: {role: {x, y, w, h}}}.
 */
export async function readBar(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const host = find(root, (n) => n.nodeName === 'DIV' && attrs(n)['data-vitrine'] === 'bar');
    if (!host || !host.shadowRoots || host.shadowRoots.length === 0) return null;
    const sr = host.shadowRoots[0];
    const roles = {};
    const nodes = {};
    walk(sr, (n) => {
      const r = attrs(n)['data-role'];
      if (r) {
        roles[r] = textOf(n);
        nodes[r] = n;
      }
    });
    const boxes = {};
    for (const [r, n] of Object.entries(nodes)) {
      try {
        const { model } = await cdp.send('DOM.getBoxModel', { backendNodeId: n.backendNodeId });
        const q = model.border;
        boxes[r] = { x: q[0], y: q[1], w: model.width, h: model.height };
      } catch {
        // not rendered
      }
    }
    return { shadowRootType: sr.shadowRootType, text: textOf(sr).replace(/\s+/g, ' ').trim(), roles, boxes, attrs: Object.fromEntries(Object.entries(nodes).map(([r, n]) => [r, attrs(n)])) };
  } finally {
    await cdp.detach();
  }
}

function attrs(n) {
  const a = {};
  for (let i = 0; i + 1 < (n.attributes || []).length; i += 2) a[n.attributes[i]] = n.attributes[i + 1];
  return a;
}

function walk(n, fn) {
  fn(n);
  for (const c of n.children || []) walk(c, fn);
  for (const s of n.shadowRoots || []) walk(s, fn);
}

function find(n, pred) {
  if (pred(n)) return n;
  for (const c of [...(n.children || []), ...(n.shadowRoots || []), ...(n.contentDocument ? [n.contentDocument] : [])]) {
    const f = find(c, pred);
    if (f) return f;
  }
  return null;
}

function textOf(n) {
  if (n.nodeType === 3) return n.nodeValue;
  if (n.nodeName === 'STYLE' || n.nodeName === 'title') return '';
  return (n.children || []).map(textOf).join(' ');
}
