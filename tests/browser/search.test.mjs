#!/usr/bin/env node
// Browser tests of Almanac's search, against built sites served on 127.0.0.1.
//
//   node search.test.mjs --site DIR --fixture-site DIR --relevance FILE [--artifacts DIR]
//
// --site: the project's own site (almanac build of this repository); --fixture-site: a small
// site whose page statuses are known (built by tests/integration/test_browser_search.py).
// Drives /usr/bin/chromium (CHROMIUM overrides) with playwright-core, found in
// tests/browser/node_modules, $PLAYWRIGHT_CORE_DIR or /tmp/search-bench. Prints one line per
// check and "N passed, N failed"; exit 1 when a check failed, 77 when playwright-core is missing.
import fs from 'node:fs';
import path from 'node:path';
import { assert, check, finish, launchChromium, loadPlaywright, parseArgs, serve } from './lib.mjs';

const args = parseArgs('search.test.mjs --site DIR --fixture-site DIR --relevance FILE [--artifacts DIR]',
  ['site', 'fixture-site', 'relevance']);
const pw = loadPlaywright();

// URL of a result -> repository path (runbooks/k8s/x/ -> runbooks/k8s/x.md, a/ -> a/index.md)
function toPath(href) {
  const p = decodeURIComponent(new URL(href).pathname).replace(/^\/+/, '').replace(/index\.html$/, '');
  return p.endsWith('/') ? p.slice(0, -1) + '.md' : p;
}
function samePage(got, want) {
  return got === want || got.replace(/\.md$/, '/index.md') === want;
}

async function searchPage(page, base, q) {
  await page.goto(`${base}/search/?q=${encodeURIComponent(q)}`);
  await page.waitForSelector('[data-search-results][data-search-done]', { timeout: 15000 });
  return page.$$eval('[data-search-results] [data-result]', (as) => as.map((a) => a.href));
}

const browser = await launchChromium(pw);
const site = await serve(args.site);
const fixture = await serve(args['fixture-site']);
const base = `http://127.0.0.1:${site.address().port}`;
const fbase = `http://127.0.0.1:${fixture.address().port}`;
const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));

try {
  await check('an exact alert name puts the runbook that lists it first', async () => {
    const r = await searchPage(page, base, 'KubePodCrashLooping');
    assert(r.length > 0, 'no results');
    assert(toPath(r[0]) === 'runbooks/k8s/crashloopbackoff.md', `first result is ${r[0]}`);
  });

  await check('a query one edit away (certficate) finds the certificate runbook', async () => {
    const r = await searchPage(page, base, 'certficate');
    assert(r.slice(0, 3).some((u) => toPath(u) === 'runbooks/security/certificate-expiry.md'), `top 3: ${r.slice(0, 3).join(' ')}`);
    const marks = await page.$$eval('[data-search-results] mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
    assert(marks.some((m) => m.startsWith('certificate')), `no highlighted "certificate" in ${marks.join(',')}`);
  });

  await check('a prefix (certif) finds the certificate runbook', async () => {
    const r = await searchPage(page, base, 'certif');
    assert(r.slice(0, 3).some((u) => toPath(u) === 'runbooks/security/certificate-expiry.md'), `top 3: ${r.slice(0, 3).join(' ')}`);
  });

  await check('a result jumps to the heading that matched', async () => {
    const r = await searchPage(page, base, 'rollback helm');
    assert(r.some((u) => /#./.test(u)), `no result links to a section: ${r.slice(0, 5).join(' ')}`);
  });

  await check('unknown words say so and suggest the closest terms', async () => {
    const r = await searchPage(page, base, 'etcdxx');
    assert(r.length === 0, `${r.length} results`);
    const text = await page.textContent('[data-search-results]');
    assert(/No pages match/.test(text), `message: ${text}`);
    const sugg = await page.$$eval('[data-search-results] .as-suggest', (as) => as.map((a) => a.textContent));
    assert(sugg.includes('etcd'), `suggestions: ${sugg.join(',')}`);
  });

  await check('a query of stop words only completes with no results', async () => {
    const r = await searchPage(page, base, 'the of and');
    assert(r.length === 0, `${r.length} results`);
  });

  await check('the type filter narrows the results (menu and deep link)', async () => {
    const all = await searchPage(page, base, 'engineer');
    assert(all.length > 5, `only ${all.length} results for "engineer"`);
    assert(all.some((u) => !toPath(u).startsWith('content/roles/')), 'every result is a role page already');
    await page.evaluate(() => document.querySelector('[data-search-results]').removeAttribute('data-search-done'));
    await page.selectOption('select[name=type]', 'role');
    await page.waitForSelector('[data-search-results][data-search-done]');
    const roles = await page.$$eval('[data-search-results] [data-result]', (as) => as.map((a) => a.href));
    assert(roles.length > 0 && roles.length < all.length, `${roles.length} of ${all.length}`);
    assert(roles.every((u) => toPath(u).startsWith('content/roles')), `not only roles: ${roles.join(' ')}`);
    assert(/[?&]type=role\b/.test(page.url()), `the URL does not keep the filter: ${page.url()}`);
    const deep = await searchPage(page, base, 'engineer');
    await page.goto(`${base}/search/?q=engineer&type=role`);
    await page.waitForSelector('[data-search-results][data-search-done]');
    const viaLink = await page.$$eval('[data-search-results] [data-result]', (as) => as.map((a) => a.href));
    assert(JSON.stringify(viaLink) === JSON.stringify(roles), 'deep link with type=role differs from the menu');
    assert(deep.length === all.length, 'results changed between two identical queries');
  });

  await check('the owner filter narrows the results', async () => {
    const all = await searchPage(page, base, 'kubernetes');
    await page.goto(`${base}/search/?q=kubernetes&owner=platform-engineering`);
    await page.waitForSelector('[data-search-results][data-search-done]');
    const some = await page.$$eval('[data-search-results] [data-result]', (as) => as.map((a) => a.href));
    assert(some.length > 0 && some.length < all.length, `${some.length} of ${all.length}`);
  });

  await check('"/" focuses the search box on a content page, typing shows results, arrows and Enter open one', async () => {
    await page.goto(`${base}/runbooks/k8s/node-not-ready/`);
    await page.click('h1');
    await page.keyboard.press('/');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.matches('input[data-search]'));
    assert(focused, 'the search box is not focused');
    await page.keyboard.type('crashloop');
    await page.waitForSelector('.as-drop:not([hidden]) [data-result]', { timeout: 10000 });
    await page.keyboard.press('ArrowDown');
    const active = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('href'));
    assert(active, 'ArrowDown did not move to a result');
    await Promise.all([page.waitForURL(/crashloopbackoff/), page.keyboard.press('Enter')]);
  });

  await check('Enter in the header box opens the results page (search/?q=)', async () => {
    await page.goto(`${base}/runbooks/`);
    await page.fill('input[data-search]', 'dns failures');
    await Promise.all([page.waitForURL(/\/search\/\?q=dns(\+|%20)failures/), page.press('input[data-search]', 'Enter')]);
    await page.waitForSelector('[data-search-results][data-search-done]');
    const r = await page.$$eval('[data-search-results] [data-result]', (as) => as.map((a) => a.href));
    assert(toPath(r[0]) === 'runbooks/networking/dns-failures.md', `first: ${r[0]}`);
  });

  await check('results as you type on the results page, keyboard navigation over results', async () => {
    await searchPage(page, base, '');
    await page.evaluate(() => document.querySelector('[data-search-results]').removeAttribute('data-search-done'));
    await page.fill('input[data-search]', 'velero');
    await page.waitForSelector('[data-search-results][data-search-done] [data-result]');
    assert(/[?&]q=velero\b/.test(page.url()), `URL not updated: ${page.url()}`);
    await page.keyboard.press('ArrowDown');
    const first = await page.evaluate(() => document.activeElement && document.activeElement.hasAttribute('data-result'));
    assert(first, 'ArrowDown from the box does not reach the first result');
  });

  await check('a stale page carries a badge and ranks below a fresh page of equal relevance', async () => {
    const r = await searchPage(page, fbase, 'disk pressure');
    assert(r.length >= 2, `${r.length} results`);
    const paths = r.map(toPath);
    assert(paths[0] === 'runbooks/b-disk-pressure.md', `first: ${paths[0]}`);
    assert(paths[1] === 'runbooks/a-disk-pressure.md', `second: ${paths[1]}`);
    const badges = await page.$$eval('[data-search-results] .as-badge', (bs) => bs.map((b) => b.textContent));
    assert(badges.includes('stale'), `badges: ${badges.join(',')}`);
    // on a phone the badge stays one word beside a title that wraps ("STAL" / "E" before)
    await page.setViewportSize({ width: 240, height: 900 });
    const lines = await page.$$eval('[data-search-results] .as-badge', (bs) => bs.map((b) =>
      b.getClientRects().length === 1 && b.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(b).fontSize) * 1.6));
    await page.setViewportSize({ width: 1100, height: 900 });
    assert(lines.every(Boolean), `a badge broke over lines: ${lines}`);
  });

  await check('the tips name an alert of the site, whose search finds its runbook; a site without alerts names none', async () => {
    await page.goto(`${base}/search/`);
    const name = await page.textContent('.search-help code');
    const answers = await (await fetch(`${base}/alerts.json`)).json();
    const a = answers.alerts.find((x) => x.name === name);
    assert(a && a.page_url, `the tip's alert ${name} is not an alert with a runbook of this site`);
    const r = await searchPage(page, base, name);
    assert(r.length > 0 && new URL(r[0]).pathname.replace(/^\//, '') === a.page_url, `first result for ${name}: ${r[0]}, runbook ${a.page_url}`);
    await page.goto(`${fbase}/search/`);
    const tip = await page.textContent('.search-help');
    assert(await page.$('.search-help code') === null && !/alert/i.test(tip), `tip of a site without alerts: ${tip}`);
  });

  await check('opened from disk (file://), the search page says search needs HTTP', async () => {
    await page.goto('file://' + path.resolve(args.site, 'search', 'index.html') + '?q=certificate');
    await page.waitForSelector('[data-search-results][data-search-done]', { timeout: 15000 });
    const text = await page.textContent('[data-search-results]');
    assert(/served over HTTP/.test(text), `message: ${text}`);
  });

  await check('screenshot of the results', async () => {
    await searchPage(page, base, 'certificate expiry');
    if (args.artifacts) {
      fs.mkdirSync(args.artifacts, { recursive: true });
      const file = path.join(args.artifacts, 'search-results.png');
      await page.screenshot({ path: file, fullPage: true });
      assert(fs.statSync(file).size > 5000, 'screenshot is empty');
      console.log(`     screenshot: ${file}`);
    }
  });

  const rel = JSON.parse(fs.readFileSync(args.relevance, 'utf8')).queries;
  const misses = [];
  await check(`relevance: ${rel.length} queries over the project's site, each with its page in the top 3`, async () => {
    assert(rel.length >= 30, 'fewer than 30 queries');
    for (const q of rel) {
      const r = (await searchPage(page, base, q.q)).slice(0, 3).map(toPath);
      if (!r.some((p) => samePage(p, q.expect))) misses.push(`${q.kind} "${q.q}": want ${q.expect}, got ${r.join(' ') || 'nothing'}`);
    }
    assert(misses.length === 0, `${misses.length} misses:\n       ${misses.join('\n       ')}`);
  });

  await check('highlighted words of a result\'s title are readable in dark mode (contrast at least 4.5:1)', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
    try {
      const p = await ctx.newPage();
      await p.goto(`${base}/search/?q=certificate`);
      await p.waitForSelector('[data-search-results][data-search-done]', { timeout: 15000 });
      const ratios = await p.$$eval('[data-search-results] .as-title mark', (ms) => ms.map((m) => {
        const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
        const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const s = getComputedStyle(m), a = lum(s.color), b = lum(s.backgroundColor);
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      }));
      assert(ratios.length > 0, 'no highlighted word in a result title');
      const low = ratios.filter((r) => r < 4.5);
      assert(low.length === 0, `contrast of highlighted title words: ${low.map((r) => r.toFixed(2)).join(', ')}`);
    } finally {
      await ctx.close();
    }
  });

  await check('no script errors on the pages', async () => {
    assert(errors.length === 0, errors.join('; '));
  });
} finally {
  await context.close();
  await browser.close();
  site.close();
  fixture.close();
}
finish();
