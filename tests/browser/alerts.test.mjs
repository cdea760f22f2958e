#!/usr/bin/env node
// Browser tests of alert-aware runbook pages and of search by alert name (issue 19), against a
// site built by tests/integration/test_browser_alerts.py and served on 127.0.0.1.
//
//   node alerts.test.mjs --site DIR --scratch DIR [--coverage-site DIR]
//
// --scratch: an empty folder the shell checks may write into (a hostile value that ran would
// create a file there). Prints one line per check and "N passed, N failed"; exit 1 when a check
// failed, 77 when playwright-core is missing. --coverage-site: a site of 2000 catalog alerts, one without a
// runbook (its coverage figure).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { assert, check, eq, finish, launchChromium, loadPlaywright, parseArgs, serve } from './lib.mjs';

const args = parseArgs('alerts.test.mjs --site DIR --scratch DIR', ['site', 'scratch']);
const pw = loadPlaywright();
const browser = await launchChromium(pw);
const server = await serve(args.site);
const base = `http://127.0.0.1:${server.address().port}`;
const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
page.on('dialog', (d) => { errors.push('a dialog opened: ' + d.message()); d.dismiss(); });

const codeBlocks = () => page.$$eval('main .content pre', (ps) => ps.map((p) => (p.querySelector('code') || p).textContent));
const q = (o) => Object.entries(o).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');

async function openAlert(name, labels) {
  await page.goto(`${base}/alerts/${name}/?${q(labels)}`);
  await page.waitForSelector('[data-alert-labels]', { timeout: 15000 });
}

async function searchPage(query) {
  await page.goto(`${base}/search/?q=${encodeURIComponent(query)}`);
  await page.waitForSelector('[data-search-results][data-search-done]', { timeout: 15000 });
  return page.$$eval('[data-search-results] [data-result]', (as) => as.map((a) => new URL(a.href).pathname));
}

try {
  await check('alerts/<Name>/?labels opens the runbook with the labels listed and the command filled in', async () => {
    await openAlert('KubePodCrashLooping', { namespace: 'prod', pod: 'api-1' });
    const u = new URL(page.url());
    eq(u.pathname, '/runbooks/k8s/KubePodCrashLooping/', 'landed on');
    eq(u.searchParams.get('pod'), 'api-1', 'the query survived the redirect');
    const box = await page.$$eval('[data-alert-labels] dt, [data-alert-labels] dd', (es) => es.map((e) => e.textContent));
    eq(box, ['namespace', 'prod', 'pod', 'api-1', 'alertname', 'KubePodCrashLooping'], 'the labels box');
    const title = await page.$eval('.alert-labels-title', (e) => e.textContent);
    eq(title, 'Opened for the alert KubePodCrashLooping', 'the box title');
    const code = await codeBlocks();
    eq(code[0].trim(), '$ kubectl -n prod logs api-1 --previous', 'the filled command');
    eq(code[1].trim(), 'kubectl -n prod describe pod "api-1"', 'the second command');
    eq(code[3].trim(), 'namespace: prod', 'the YAML block');
    const marks = await page.$$eval('main .content mark.label-value', (ms) => ms.map((m) => m.textContent));
    eq(marks, ['prod', 'api-1', 'prod', 'api-1', 'api-1', 'api-1', 'api-1', 'api-1', 'prod'], 'every filled value is marked');
    const inline = await page.$$eval('main .content p code', (cs) => cs.map((c) => c.textContent));
    eq(inline, ['<container>'], 'a placeholder without its label stays');
  });

  await check('a hostile label value stays text on the page and never runs when pasted into bash', async () => {
    const marker = path.join(args.scratch, 'PWNED');
    const hostile = `<img src=x onerror="window.__pwned=1">'"$(touch ${marker})\`touch ${marker}\`!x $HOME \\`;
    await openAlert('KubePodCrashLooping', { namespace: 'prod', pod: hostile });
    await page.waitForTimeout(300);
    eq(await page.$$eval('img[src="x"], [onerror]', (es) => es.length), 0, 'elements made from the value');
    eq(await page.evaluate(() => window.__pwned), undefined, 'the onerror handler ran');
    const shown = await page.$$eval('[data-alert-labels] dd code', (cs) => cs.map((c) => c.textContent));
    eq(shown[1], hostile, 'the value as shown in the box');
    const code = await codeBlocks();
    // the printf line has the value unquoted, in "...", in '...' and in a comment
    const line = code[2].trim();
    const out = execFileSync('bash', ['-c', line], { cwd: args.scratch, encoding: 'utf8' });
    eq(out, `[${hostile}]\n[${hostile}]\n[${hostile}]\n`, 'what bash prints for the filled line');
    const out0 = execFileSync('bash', ['-c', code[0].trim().replace(/^\$ kubectl/, 'printf "[%s]\\n"')],
      { cwd: args.scratch, encoding: 'utf8' });
    assert(out0.includes(`[${hostile}]`), `the first command passes the value as one word: ${out0}`);
    assert(!fs.existsSync(marker), 'a command in the value ran');
    const quoted = await page.$$eval('main .content mark.label-quoted', (ms) => ms.length);
    assert(quoted >= 4, `values quoted for the shell are marked: ${quoted}`);
  });

  await check('a value with a line break is listed but never filled in', async () => {
    await openAlert('KubePodCrashLooping', { namespace: 'prod', pod: 'a\nrm -rf /' });
    const code = await codeBlocks();
    assert(code[0].includes('{{ $labels.pod }}'), `the placeholder was filled: ${code[0]}`);
    assert(code[0].includes('-n prod'), 'the other label is filled');
    const warn = await page.$eval('[data-alert-labels] .label-warning', (e) => e.textContent);
    assert(/not filled/.test(warn), warn);
  });

  await check('without labels the runbook is left as written', async () => {
    await page.goto(`${base}/alerts/KubePodCrashLooping/`);
    await page.waitForURL(/\/runbooks\/k8s\/KubePodCrashLooping\/$/, { waitUntil: 'load' });
    eq(await page.$$eval('[data-alert-labels]', (e) => e.length), 0, 'boxes');
    assert((await codeBlocks())[0].includes('{{ $labels.namespace }}'), 'the command changed');
  });

  await check('a runbook_url naming a heading on GitHub: alerts/<Name>/ lands on that heading, labels kept', async () => {
    await page.goto(`${base}/alerts/KubeAPIDown/?cluster=prod`);
    await page.waitForURL(/\/runbooks\/k8s\/control-plane\/\?cluster=prod&alertname=KubeAPIDown#kubeapidown$/,
      { waitUntil: 'load' });
    const box = await page.$eval('#kubeapidown', (e) => { const r = e.getBoundingClientRect(); return [r.top, innerHeight]; });
    assert(box[0] >= -5 && box[0] < box[1], `the heading is in view: top ${box[0]} of ${box[1]}`);
    const y = await page.evaluate(() => scrollY);
    assert(y > 1000, `the page scrolled down to the heading: ${y}`);
    // without labels the refresh alone leads there
    await page.goto(`${base}/alerts/KubeAPIDown/`);
    await page.waitForURL(/\/runbooks\/k8s\/control-plane\/#kubeapidown$/, { waitUntil: 'load' });
  });

  await check('an alert several runbooks answer: its page keeps the labels on every choice', async () => {
    await page.goto(`${base}/alerts/KubeletDown/?node=worker-3`);
    await page.waitForLoadState('load');
    const hrefs = await page.$$eval('[data-alert-choices] a', (as) => as.map((a) => a.getAttribute('href')));
    eq(hrefs, ['../../runbooks/k8s/kubelet/?node=worker-3', '../../runbooks/node/kubelet/?node=worker-3'], 'choices');
    await page.click('[data-alert-choices] a >> nth=0');
    await page.waitForSelector('[data-alert-labels]');
    eq((await codeBlocks())[0].trim(), 'systemctl status kubelet  # on worker-3', 'the filled command');
  });

  await check('an alert is found by its exact name in any case, a lower-cased file name too', async () => {
    for (const query of ['KubeNodeNotReady', 'kubenodenotready', 'KUBENODENOTREADY']) {
      const r = await searchPage(query);
      eq(r[0], '/runbooks/k8s/kubenodenotready/', `first result for ${query}`);
    }
    const r = await searchPage('KubePodCrashLooping');
    eq(r[0], '/runbooks/k8s/KubePodCrashLooping/', 'first result for KubePodCrashLooping');
  });

  await check('results show the section path, so two pages of one title differ', async () => {
    await searchPage('kubelet');
    const items = await page.$$eval('[data-search-results] li', (ls) => ls.map((l) => [
      l.querySelector('.as-title').textContent, (l.querySelector('.as-path') || {}).textContent]));
    const kubelets = items.filter((i) => i[0] === 'Kubelet').map((i) => i[1]).sort();
    eq(kubelets, ['Runbooks \u203a K8s', 'Runbooks \u203a Node'], 'paths of the two Kubelet pages');
  });

  await check('words all unknown: says so and suggests the closest words', async () => {
    for (const [query, want] of [['xkubelet', 'kubelet'], ['dsn', 'dns']]) {
      await searchPage(query);
      const msg = await page.$eval('[data-search-results] .as-msg', (e) => e.textContent);
      assert(msg.includes(`Unknown: ${query}`), `${query}: ${msg}`);
      const sug = await page.$$eval('[data-search-results] .as-suggest', (as) => as.map((a) => a.textContent));
      assert(sug.includes(want), `${query}: suggestions ${JSON.stringify(sug)}, want ${want}`);
    }
  });

  // what the search box fetches for a query, typed at 150 ms a character or pasted
  async function fetched(mode, query) {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    // the page's timers run on a controlled clock: 150 ms between two keys is 150 ms for the
    // search box's debounce however loaded the machine running the test is
    await p.clock.install();
    await p.goto(`${base}/`);
    await p.waitForLoadState('load');
    // installed, the clock still runs with real time; paused, only runFor moves it
    await p.clock.pauseAt(new Date(Date.now() + 3600e3));
    const files = [];
    p.on('request', (r) => { const u = new URL(r.url()); if (u.pathname.startsWith('/search/')) files.push(u.pathname); });
    const input = p.locator('input[data-search]').first();
    await input.click();
    if (mode === 'type') {
      for (const ch of query) {
        await input.press(ch);
        await p.clock.runFor(150);
      }
    } else await input.fill(query);
    for (let i = 0; i < 150 && !(await p.$('.as-drop:not([hidden]) .as-all ~ * a[data-result], .as-drop:not([hidden]) a[data-result]')); i++) {
      await p.clock.runFor(100);
      await new Promise((r) => setTimeout(r, 100)); // real time for the fetches to answer
    }
    await p.waitForSelector('.as-drop:not([hidden]) .as-all', { timeout: 1000 });
    await p.clock.runFor(800);
    const results = await p.$$eval('.as-drop a[data-result]', (as) => as.map((a) => new URL(a.href).pathname));
    await ctx.close();
    const bytes = files.reduce((n, f) => n + fs.statSync(path.join(args.site, f)).size, 0);
    return { files: [...new Set(files)].sort(), n: files.length, bytes, results };
  }

  await check('typing an alert name at human speed fetches no more than pasting it', async () => {
    const pasted = await fetched('paste', 'KubePodCrashLooping');
    const typed = await fetched('type', 'KubePodCrashLooping');
    console.log(`     pasted: ${pasted.n} requests, ${pasted.bytes} bytes; typed: ${typed.n} requests, ${typed.bytes} bytes`);
    eq(typed.results[0], '/runbooks/k8s/KubePodCrashLooping/', 'first typed result');
    eq(typed.results, pasted.results, 'typed and pasted results');
    const extra = typed.files.filter((f) => !pasted.files.includes(f));
    eq(extra, [], 'files fetched while typing that the pasted query did not need');
    assert(typed.bytes <= pasted.bytes && typed.n <= pasted.n, `typed ${typed.n}/${typed.bytes} > pasted ${pasted.n}/${pasted.bytes}`);
  });

  await check('coverage of 1999 alerts of 2000 reads 99.9%, not 100.0% beside the alert left', async () => {
    assert(args['coverage-site'], 'no --coverage-site');
    const srv = await serve(args['coverage-site']);
    try {
      await page.goto(`http://127.0.0.1:${srv.address().port}/freshness/`);
      const cov = await page.evaluate(() => ({ pct: document.querySelector('.coverage').textContent.trim(),
        text: document.querySelector('.coverage').parentElement.textContent.replace(/\s+/g, ' ').trim(),
        missing: document.querySelector('#alerts-title').parentElement.textContent.includes('Generated1999Alert') }));
      assert(cov.missing, 'the uncovered alert is not listed');
      eq(cov.pct, '99.9%', `coverage figure of "${cov.text}"`);
    } finally {
      srv.close();
    }
  });

  await check('no script errors on the pages', async () => {
    eq(errors, [], 'errors');
  });
} finally {
  await browser.close();
  server.close();
}
finish();
