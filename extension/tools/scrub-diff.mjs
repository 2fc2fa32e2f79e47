#!/usr/bin/env node
// Differential check of the extension's URL scrubber against the server's
// Go one (policy.ScrubURL) on random, tricky URLs. Needs Go. The Go side is
// a test file compiled through `go test -overlay`, so nothing is written in
// the repository.
//
//   node tools/scrub-diff.mjs [--n 20000] [--seed 1]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePolicy, scrubURL } from '../src/panel/scrub.js';
import { repoDir } from '../test/helpers.js';

const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : def);
const N = opt('--n', 20000);
let seed = opt('--seed', 1);
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];

const GO_TEST = `package policy

import ("encoding/json"; "errors"; "os"; "testing")

func TestZZScrubDiff(t *testing.T) {
	b, err := os.ReadFile(os.Getenv("SCRUB_IN"))
	if err != nil { t.Skip() }
	var urls []string
	if err := json.Unmarshal(b, &urls); err != nil { t.Fatal(err) }
	p := Default()
	type res struct { URL string \`json:"url"\`; NC bool \`json:"nc"\`; Err bool \`json:"err"\` }
	out := make([]res, len(urls))
	for i, u := range urls {
		s, err := p.ScrubURL(u)
		if err != nil { out[i] = res{Err: true, NC: errors.Is(err, ErrNotCollectable)} } else { out[i] = res{URL: s} }
	}
	ob, _ := json.Marshal(out)
	os.WriteFile(os.Getenv("SCRUB_OUT"), ob, 0o644)
}
`;

const schemes = ['http', 'https', 'https', 'https', 'HTTPS', 'ftp', 'javascript', 'h2', ''];
const hosts = ['shop.example', 'shop.example', 'shop.example', 'Shop.EXAMPLE', 'www.chase.com', 'chase.com.', 'a.gov', 'x.y.gouv.fr', '127.0.0.1', 'localhost', '[::1]', '[fe80::1%25en0]', 'a%C3%A9.example', 'a%41.example', 'user:pw@shop.example', 'a@b@shop.example', 'b\u00e9.example', 'a:b:c', 'xn--bcher-kva.example', ''];
const ports = ['', ':80', ':443', ':8080', ':', ':0x', ':65536'];
const segs = ['p', 'jane.doe@example.com', 'jane%40example.com', '123456', '12345', '12-34-56', 'order-98765', 'ORD-2026-AB12', 'inv20261128', 'a1b2c3d4e5f6g7h8i9j0', 'Xy9_kq2LmN8pQr4sTu6v-abc', '550e8400-e29b-41d4-a716-446655440000', 'caf%C3%A9', 'caf\u00e9', 'a%2Fb', 'a b', 'a|b', 'a^b', '%zz', '%', '%FF', '%E2%82', '..', '.', '', '*', 'a;b=c', 'a,b', '~x', "a'b", '(x)', '[x]', '{x}', 'a+b', '%2B', 'ordſ1', 'ſ', 'İnvoice1', '\u212aelvin'];
const keys = ['variant', 'VARIANT', 'size', 'Size', 'color', 'utm_source', 'q', 'page', 'lang', 'sku', 'colour', 'var%69ant', 'size;x', '', 'v%zz', 'LANG', 'İ', 'sİze'];
const vals = ['1', 'a+b', 'a%20b', 'x y', '', '%zz', 'é', '%C3%A9', 'a=b', 'jane@example.com', '&'];

function randomURL() {
  const scheme = pick(schemes);
  let u = scheme ? scheme + ':' : '';
  if (rnd() < 0.9) u += '//' + pick(hosts) + pick(ports);
  const n = Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) u += '/' + pick(segs);
  if (rnd() < 0.2) u += '/';
  if (rnd() < 0.6) {
    const m = 1 + Math.floor(rnd() * 4);
    const qs = [];
    for (let i = 0; i < m; i++) qs.push(rnd() < 0.1 ? pick(keys) : pick(keys) + '=' + pick(vals));
    u += '?' + qs.join(pick(['&', '&', '&', ';']));
  }
  if (rnd() < 0.3) u += '#' + pick(['top', '%zz', '', 'a b', 'x#y']);
  if (rnd() < 0.05) u = ' ' + u + '\t';
  return u;
}

const tmp = mkdtempSync(join(tmpdir(), 'scrub-diff-'));
try {
  const testFile = join(tmp, 'zz_diff_test.go');
  writeFileSync(testFile, GO_TEST);
  writeFileSync(join(tmp, 'overlay.json'), JSON.stringify({ Replace: { [join(repoDir, 'internal', 'policy', 'zz_diff_test.go')]: testFile } }));
  const bin = join(tmp, 'policy.test');
  execFileSync('go', ['test', '-c', '-overlay', join(tmp, 'overlay.json'), '-o', bin, './internal/policy'], { cwd: repoDir, stdio: 'inherit' });
  const urls = [];
  for (let i = 0; i < N; i++) urls.push(randomURL());
  writeFileSync(join(tmp, 'in.json'), JSON.stringify(urls));
  execFileSync(bin, ['-test.run', 'TestZZScrubDiff'], { cwd: join(repoDir, 'internal', 'policy'), env: { ...process.env, SCRUB_IN: join(tmp, 'in.json'), SCRUB_OUT: join(tmp, 'out.json') } });
  const goOut = JSON.parse(readFileSync(join(tmp, 'out.json'), 'utf8'));
  const cp = compilePolicy(JSON.parse(readFileSync(join(repoDir, 'internal', 'policy', 'policy.json'), 'utf8')));
  let diffs = 0;
  let collected = 0;
  for (let i = 0; i < urls.length; i++) {
    const js = scrubURL(cp, urls[i]);
    const g = goOut[i];
    const same = g.err ? !js.ok && js.notCollectable === g.nc : js.ok && js.url === g.url;
    if (g.url) collected++;
    if (!same) {
      diffs++;
      if (diffs <= 20) console.log(JSON.stringify(urls[i]), '\n  go:', JSON.stringify(g), '\n  js:', JSON.stringify(js));
    }
  }
  console.log(`urls=${urls.length} collected=${collected} diffs=${diffs}`);
  process.exitCode = diffs ? 1 : 0;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
