// lib.mjs - what the browser tests (report.test.mjs, search.test.mjs) share: argument parsing,
// finding playwright-core, a static file server on 127.0.0.1, headless chromium, and the
// "ok / FAIL" check runner with its "N passed, N failed" summary.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// "--name value" pairs of the command line; exits 2 with `usage` when one of `required` is missing.
export function parseArgs(usage, required) {
  const args = {};
  for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
  for (const k of required) {
    if (!args[k]) { console.error(`usage: ${usage}`); process.exit(2); }
  }
  return args;
}

// playwright-core from tests/browser/node_modules, $PLAYWRIGHT_CORE_DIR or /tmp/search-bench;
// prints SKIP and exits 77 when it is in none of them.
export function loadPlaywright() {
  const bases = [HERE, process.env.PLAYWRIGHT_CORE_DIR, '/tmp/search-bench'].filter(Boolean);
  for (const b of bases) {
    try { return createRequire(path.join(b, 'x.js'))('playwright-core'); } catch { /* next */ }
  }
  console.log('SKIP: playwright-core is not installed (npm install --prefix tests/browser)');
  process.exit(77);
}

// ------------------------------------------------------------------ static server
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml',
  '.bin': 'application/octet-stream' };

// Serve `dir` on 127.0.0.1 (a free port): resolves to the listening http.Server.
// Options: `prefix` mounts the site under a sub-path ("/docs/handbook/"; other paths are 404);
// `notFound` ("404.html") answers every miss under the prefix with that file of the site and status 404,
// as nginx's `error_page 404` and GitHub Pages do; `port` (default: a free one).
export function serve(dir, { prefix = '/', notFound = null, port = 0 } = {}) {
  const root = path.resolve(dir);
  const miss = (res) => {
    const f = notFound && path.join(root, notFound);
    if (f && fs.existsSync(f)) {
      res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(fs.readFileSync(f));
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    return res.end('not found');
  };
  const server = http.createServer((req, res) => {
    let p;
    try { p = decodeURIComponent(new URL(req.url, 'http://h').pathname); } catch { res.writeHead(400); return res.end(); }
    if (!p.startsWith(prefix)) {
      if (p + '/' === prefix) { res.writeHead(301, { Location: prefix }); return res.end(); }
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('outside the site');
    }
    p = '/' + p.slice(prefix.length);
    let f = path.resolve(root, '.' + p);
    if (f !== root && !f.startsWith(root + path.sep)) { res.writeHead(403); return res.end(); }
    let st = fs.statSync(f, { throwIfNoEntry: false });
    if (st && st.isDirectory()) {
      if (!p.endsWith('/')) { res.writeHead(301, { Location: prefix + p.slice(1) + '/' }); return res.end(); }
      f = path.join(f, 'index.html');
      st = fs.statSync(f, { throwIfNoEntry: false });
    }
    if (!st || !st.isFile()) return miss(res);
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(f)] || 'application/octet-stream' });
    res.end(fs.readFileSync(f));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

// Headless chromium (/usr/bin/chromium, CHROMIUM overrides) driven by playwright `pw`.
export function launchChromium(pw) {
  return pw.chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

// ------------------------------------------------------------------ checks
let passed = 0, failed = 0;

// Run one named check: prints "ok   name" or "FAIL name: why" and counts it.
export async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e && e.message ? e.message : e}`);
  }
}
export function assert(cond, msg) { if (!cond) throw new Error(msg); }
export function eq(got, want, what) {
  assert(JSON.stringify(got) === JSON.stringify(want), `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// Print "N passed, N failed" and exit 1 when a check failed, else 0.
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
