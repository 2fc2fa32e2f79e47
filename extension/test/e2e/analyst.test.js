// End-to-end: an analyst signs in in Chromium and reads the price-gap and
// funnel reports of a simulated panel; every group shown, in the page, the
// API and the CSV, has at least k = 10 distinct shoppers, and groups under
// k exist (so suppression was exercised). The panel is sent through the
// real API by `vitrine simulate`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, CHROMIUM } from './harness.js';
import { repoDir } from '../helpers.js';

const K = 10;
const PASSWORD = 'analyst e2e password';
let server;
let analystToken;

function createUser(email, role) {
  const out = execFileSync(server.bin, ['user', 'create', '--db', `sqlite:${server.db}`, '--email', email, '--role', role, '--api-token'], {
    env: { ...process.env, VITRINE_PASSWORD: PASSWORD },
    encoding: 'utf8',
  });
  const m = out.match(/^API token.*: (\S+)\s*$/m);
  assert.ok(m, `no API token in: ${out}`);
  return m[1];
}

before(async () => {
  server = await startServer();
  const adminToken = createUser('ops@store.example', 'admin');
  analystToken = createUser('ana@store.example', 'analyst');
  const out = execFileSync(server.bin, ['simulate', '--url', server.base, '--admin-token', adminToken, '--installs', '150', '--seed', '7'], {
    encoding: 'utf8', cwd: repoDir, timeout: 240000,
  });
  assert.match(out, /installs=150 events=\d+ orders=\d+/);
});

after(async () => {
  await server?.stop();
});

async function api(path) {
  const r = await fetch(server.base + path, { headers: { Authorization: `Bearer ${analystToken}` } });
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return (await r.json()).report;
}

test('reports keep only groups of at least k shoppers, in the API', async () => {
  // Reports read what is stored when asked; poll briefly in case the first answer comes early.
  let gaps;
  for (let i = 0; i < 60; i++) {
    gaps = await api('/v1/analytics/price-gaps');
    if (gaps.products.length > 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.ok(gaps.products.length > 0, 'some products are reported');
  assert.ok(gaps.suppressed.rows_suppressed > 0, 'some groups were under k and suppressed');
  assert.equal(gaps.suppressed.k, K);
  for (const p of gaps.products) assert.ok(p.installs >= K, `${p.product_id}: ${p.installs} shoppers`);
  for (const d of gaps.domains) assert.ok(d.installs >= K, `${d.domain}: ${d.installs} shoppers`);
  const funnel = await api('/v1/analytics/funnel');
  assert.equal(funnel.stages[0].stage.length > 0, true);
  for (const s of funnel.stages) assert.ok(s.installs === 0 || s.installs >= K, `${s.stage}: ${s.installs}`);
  const anon = await fetch(server.base + '/v1/analytics/price-gaps');
  assert.equal(anon.status, 401);
});

test('the analyst reads the price-gap and funnel pages in Chromium', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'vitrine-analyst-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    const denied = await page.goto(`${server.base}/analyst/prices`);
    assert.equal(denied.status(), 401, 'not signed in');
    await page.goto(`${server.base}/admin/login`);
    await page.fill('input[name=email]', 'ana@store.example');
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);

    const prices = await page.goto(`${server.base}/analyst/prices`);
    assert.equal(prices.status(), 200);
    assert.match(await page.textContent('h1'), /lose on price/i);
    assert.ok(await page.locator('svg').count() > 0, 'a chart is drawn');
    const gaps = await api('/v1/analytics/price-gaps');
    const body = await page.textContent('body');
    for (const p of gaps.products.slice(0, 5)) assert.ok(body.includes(p.title), `${p.title} shown`);
    await page.screenshot({ path: join(repoDir, 'extension/test/screenshots/analyst-prices.png'), fullPage: false });

    const csv = await page.request.get(`${server.base}/analyst/export/price-gaps.csv`);
    assert.equal(csv.status(), 200);
    const rows = (await csv.text()).trim().split('\n');
    assert.equal(rows.length - 1, gaps.products.length, 'the CSV has the same rows as the API');

    const funnel = await page.goto(`${server.base}/analyst/funnel`);
    assert.equal(funnel.status(), 200);
    const ftext = await page.textContent('body');
    assert.match(ftext, /comparison shown/i);
    assert.match(ftext, /ordered/i);
    await page.screenshot({ path: join(repoDir, 'extension/test/screenshots/analyst-funnel.png'), fullPage: false });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
