#!/usr/bin/env node
// Main-thread cost of the content script (cheap detection + extraction) per
// page, measured in Chromium with the extension loaded, on the golden corpus
// pages served over http. Each page is loaded RUNS times (a fresh content
// script each time, as in real browsing). The content script measures itself
// with performance.now() and keeps the figure in its page status, read here
// the way the popup reads it. No Vitrine server is needed: the build points
// at a closed port, so product pages' compare requests fail fast.
//
// Two figures: "cold" loads each page from a new site (its own host name,
// mapped to 127.0.0.1), so Chromium gives it a fresh renderer process and
// the extractor's code is compiled again, as on the first page of a shop;
// "warm" reloads the same site, as when browsing further in one shop.
//
//   npm run bench            (RUNS=5 by default; BENCH_RUNS=N to change)
import { createServer } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, launchBrowser } from '../e2e/harness.js';
import { corpusDir } from '../helpers.js';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const pages = readdirSync(corpusDir).filter((f) => f.endsWith('.html')).sort();

const http = createServer((req, res) => {
  const name = decodeURIComponent(new URL(req.url, 'http://x').pathname.slice(1));
  if (!pages.includes(name)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(readFileSync(join(corpusDir, name)));
});
await new Promise((r) => http.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${http.address().port}`;
const closed = `http://127.0.0.1:${await freePort()}`;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

const b = await launchBrowser(closed, { args: ['--host-resolver-rules=MAP *.test 127.0.0.1'] });
try {
  const page = await b.context.newPage();
  const costs = { product: [], other: [], all: [], first: [], warm: [] };
  const port = new URL(base).port;
  const perPage = [];
  for (const name of pages) {
    const runs = [];
    let detected = false;
    for (let i = 0; i < RUNS; i++) {
      // Run 0: a new site (cold renderer); later runs: the same site again (warm).
      const host = `p${perPage.length}-bench.test`;
      await page.goto(`http://${host}:${port}/${name}`, { waitUntil: 'load' });
      await page.bringToFront();
      let st = null;
      for (let k = 0; k < 100 && !(st && typeof st.cost === 'number'); k++) {
        st = await b.worker.evaluate(async () => {
          const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
          try {
            return await chrome.tabs.sendMessage(tab.id, { type: 'pageStatus' });
          } catch {
            return null;
          }
        });
        if (!(st && typeof st.cost === 'number')) await new Promise((r) => setTimeout(r, 50));
      }
      if (!st || typeof st.cost !== 'number') throw new Error(`no cost reported for ${name}`);
      runs.push(st.cost);
      detected = st.detected;
    }
    perPage.push({ name, detected, median: pct(runs, 50), max: Math.max(...runs) });
    costs.all.push(...runs);
    costs.first.push(runs[0]);
    costs.warm.push(...runs.slice(1));
    (detected ? costs.product : costs.other).push(...runs);
  }
  perPage.sort((a, b2) => b2.median - a.median);
  console.log('slowest pages (median ms over runs):');
  for (const p of perPage.slice(0, 8)) console.log(`  ${p.median.toFixed(2).padStart(7)}  ${p.detected ? 'product' : 'other  '}  ${p.name}`);
  const line = (label, xs) => console.log(`${label.padEnd(22)} n=${String(xs.length).padStart(4)}  median=${pct(xs, 50).toFixed(2)} ms  p95=${pct(xs, 95).toFixed(2)} ms  max=${Math.max(...xs).toFixed(2)} ms`);
  line('all page loads', costs.all);
  line('product pages', costs.product);
  line('non-product pages', costs.other);
  line('cold (new site)', costs.first);
  line('warm (same site)', costs.warm);
  console.log(`pages=${pages.length} runs=${RUNS} median_ms=${pct(costs.all, 50).toFixed(2)} p95_ms=${pct(costs.all, 95).toFixed(2)} cold_median_ms=${pct(costs.first, 50).toFixed(2)} cold_p95_ms=${pct(costs.first, 95).toFixed(2)} warm_median_ms=${pct(costs.warm, 50).toFixed(2)} product_median_ms=${pct(costs.product, 50).toFixed(2)}`);
} finally {
  await b.close();
  http.close();
}
