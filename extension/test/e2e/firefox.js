// Firefox for the end-to-end tests: Debian's firefox-esr started headless
// with WebDriver BiDi (Firefox's built-in remote protocol), driven through a
// small client over one WebSocket. Nothing is downloaded: playwright-core
// drives only its own patched Firefox builds, while BiDi is in every
// Firefox. The extension is installed the way `web-ext run` and
// about:debugging do it, as a temporary add-on (webExtension.install).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

// Preferences of the throw-away profile: no first-run pages, no update or
// telemetry traffic (the network here is closed), no prompts.
const PREFS = {
  'app.update.enabled': false,
  'app.update.auto': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.startup.page': 0,
  'browser.aboutwelcome.enabled': false,
  'browser.tabs.warnOnClose': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.newtabpage.enabled': false,
  'browser.region.network.url': '',
  'browser.search.update': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': '',
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.blocklist.enabled': false,
  'services.settings.server': 'http://127.0.0.1:9/',
  'remote.active-protocols': 1,
  'dom.disable_open_during_load': false,
};

function userJS(prefs) {
  return Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n') + '\n';
}

/** A WebDriver BiDi session: send(method, params) and event subscriptions. */
class BiDi {
  constructor(ws) {
    this.ws = ws;
    this.id = 0;
    this.pending = new Map();
    this.listeners = new Set();
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data));
      if (msg.id !== undefined && this.pending.has(msg.id)) {
        const { resolve, reject, method } = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.type === 'error') reject(new Error(`${method}: ${msg.error}: ${msg.message}`));
        else resolve(msg.result);
      } else if (msg.type === 'event') {
        for (const l of this.listeners) l(msg);
      }
    });
    ws.on('close', () => {
      for (const { reject, method } of this.pending.values()) reject(new Error(`${method}: connection closed`));
      this.pending.clear();
    });
  }

  send(method, params = {}) {
    const id = ++this.id;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  on(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

/**
 * Starts Firefox on a fresh profile with the extension directory installed
 * as a temporary add-on. Returns {bidi, extensionId, newTab, close}.
 */
export async function launchFirefox(extensionDir, { locale = 'en-US' } = {}) {
  if (!existsSync(FIREFOX)) throw new Error(`no Firefox at ${FIREFOX} (apt-get install firefox-esr)`);
  const tmp = mkdtempSync(join(tmpdir(), 'vitrine-firefox-'));
  const profile = join(tmp, 'profile');
  const prefs = { ...PREFS, 'intl.locale.requested': locale, 'intl.accept_languages': `${locale},${locale.split('-')[0]}` };
  mkdirSync(profile);
  writeFileSync(join(profile, 'user.js'), userJS(prefs));
  const proc = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port', '0', 'about:blank'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', LANG: `${locale.replace('-', '_')}.UTF-8`, LC_ALL: '', LANGUAGE: locale.replace('-', '_') },
  });
  const log = [];
  const wsUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Firefox did not open WebDriver BiDi in 60 s:\n${log.join('')}`)), 60000);
    const onData = (d) => {
      log.push(String(d));
      const m = /WebDriver BiDi listening on (ws:\/\/[^\s]+)/.exec(log.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Firefox exited with ${code}:\n${log.join('')}`));
    });
  });
  const ws = new WebSocket(`${wsUrl}/session`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const bidi = new BiDi(ws);
  await bidi.send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: true, unhandledPromptBehavior: { default: 'dismiss' } } } });
  const { extension: extensionId } = await bidi.send('webExtension.install', { extensionData: { type: 'path', path: extensionDir } });
  return {
    bidi, extensionId, log,
    /** A new tab; returns its browsing context id. */
    async newTab() {
      const { context } = await bidi.send('browsingContext.create', { type: 'tab' });
      return context;
    },
    async tabs() {
      const { contexts } = await bidi.send('browsingContext.getTree', { maxDepth: 0 });
      return contexts;
    },
    async close() {
      try {
        await bidi.send('browser.close');
      } catch {
        // already gone
      }
      ws.close();
      await new Promise((r) => (proc.exitCode !== null ? r() : (proc.once('exit', r), setTimeout(() => { proc.kill('SIGKILL'); r(); }, 10000))));
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * The comparison bar of the page in `context`, read through BiDi's node
 * serialisation with closed shadow trees included (a closed shadow root is
 * out of reach of page scripts, by design). Same shape as the Chromium
 * harness's readBar: null when there is no bar.
 */
export async function readBarBiDi(bidi, context) {
  const res = await bidi.send('script.evaluate', {
    expression: 'document.querySelector(\'div[data-vitrine="bar"]\')',
    target: { context },
    awaitPromise: false,
    serializationOptions: { maxDomDepth: null, includeShadowTree: 'all' },
  });
  const host = res.result;
  if (!host || host.type !== 'node') return null;
  const sr = host.value.shadowRoot;
  if (!sr) return null;
  const roles = {};
  const attrsByRole = {};
  const walk = (n) => {
    const v = n.value || {};
    const r = v.attributes?.['data-role'];
    if (r) {
      roles[r] = textOf(n);
      attrsByRole[r] = v.attributes;
    }
    for (const c of v.children || []) walk(c);
  };
  walk(sr);
  return { shadowRootType: sr.value.mode, text: textOf(sr).replace(/\s+/g, ' ').trim(), roles, attrs: attrsByRole };
}

function textOf(n) {
  const v = n.value || {};
  if (v.nodeType === 3) return v.nodeValue || '';
  if (v.localName === 'style' || v.localName === 'title') return '';
  return (v.children || []).map(textOf).join(' ');
}
