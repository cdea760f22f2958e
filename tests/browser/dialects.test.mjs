#!/usr/bin/env node
// Markdown dialects in a real browser: callouts, tabs, mermaid diagrams, highlighted code, copy buttons
// and the safe HTML subset, on the fixture site tests/fixtures/dialects built by the caller.
//
//   node dialects.test.mjs --site DIR [--artifacts DIR]
//
// Checks the callouts of every syntax (styles, titles, collapsible ones), the tabs (ARIA roles, mouse and
// keyboard), the diagram (drawn offline from the site's own assets, light and dark), highlighting, what
// the copy button of a shell session copies, which scripts each page loads (none extra on a page
// without code or diagram), and the page without JavaScript (tabs stacked under their labels, the
// diagram's source readable) and in print (every tab, every collapsed callout, the light diagram).
// Screenshots: dialects-light.png, dialects-dark.png, dialects-print.png, dialects-nojs.png in
// --artifacts. Prints one line per check and "N passed, N failed"; exit 1 when a check failed, 77 when
// playwright-core is missing.
import fs from 'node:fs';
import path from 'node:path';
import { assert, check, eq, finish, launchChromium, loadPlaywright, parseArgs, serve } from './lib.mjs';

const args = parseArgs('dialects.test.mjs --site DIR [--artifacts DIR]', ['site']);
const pw = loadPlaywright();
const artifacts = args.artifacts || path.join(path.dirname(new URL(import.meta.url).pathname), 'artifacts');
fs.mkdirSync(artifacts, { recursive: true });

const browser = await launchChromium(pw);
const server = await serve(args.site);
const base = `http://127.0.0.1:${server.address().port}`;
const URL_ALL = `${base}/runbooks/everything/`;

// A page with its script requests, errors and requests leaving the site recorded.
async function open(context, url) {
  const page = await context.newPage();
  const rec = { scripts: [], outside: [], errors: [] };
  page.on('pageerror', (e) => rec.errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') rec.errors.push(m.text()); });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith('data:')) rec.outside.push(u);
    if (r.resourceType() === 'script') rec.scripts.push(u.slice(base.length));
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, rec };
}

const names = (list) => list.map((u) => u.replace(/^.*\/assets\//, '')).sort();

try {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, colorScheme: 'light' });
  await ctx.addInitScript(() => {
    window.__copied = [];
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: (t) => { window.__copied.push(t); return Promise.resolve(); } }, configurable: true,
    });
  });
  const { page, rec } = await open(ctx, URL_ALL);

  await check('every callout syntax renders as one callout component', async () => {
    const got = await page.$$eval('.content .callout', (els) => els.map((e) => [e.tagName.toLowerCase(),
      [...e.classList].find((c) => c.startsWith('callout-')), e.querySelector(':scope > .callout-title').textContent.trim()]));
    eq(got, [
      ['div', 'callout-note', 'Note'], ['div', 'callout-tip', 'Tip'], ['div', 'callout-important', 'Important'],
      ['div', 'callout-warning', 'Warning'], ['div', 'callout-caution', 'Caution'],
      ['div', 'callout-caution', 'Data loss'], ['details', 'callout-note', 'Why the replica lags'],
      ['details', 'callout-tip', 'Tip'], ['div', 'callout-warning', 'Check replication first'],
      ['div', 'callout-warning', 'Maintenance window'], ['div', 'callout-note', 'Info'], ['div', 'callout-tip', 'Tip'],
      ['div', 'callout-caution', 'Error'],
    ], 'callouts');
  });

  await check('the five styles differ in colour, and a link inside a callout works', async () => {
    const colours = await page.$$eval('.content .callout', (els) => els.slice(0, 5).map((e) => getComputedStyle(e).borderLeftColor));
    eq(new Set(colours).size, 5, `border colours ${colours}`);
    const href = await page.$eval('.callout-caution a', (a) => a.getAttribute('href'));
    eq(href, '../plain/', 'link in a callout');
  });

  await check('collapsible callouts: ??? closed, ???+ open, and a click opens', async () => {
    const open0 = await page.$$eval('details.callout', (ds) => ds.map((d) => d.open));
    eq(open0, [false, true], 'open states');
    await page.click('details.callout >> nth=0 >> summary');
    assert(await page.$eval('details.callout', (d) => d.open), 'a click on the title does not open it');
    await page.click('details.callout >> nth=0 >> summary');
  });

  await check('tabs: a tab list with ARIA roles, mouse and keyboard', async () => {
    const tabs = page.locator('.tabbed-set [role="tab"]');
    eq(await tabs.count(), 2, 'tabs');
    eq(await tabs.allInnerTexts(), ['Primary', 'Replica'], 'tab labels');
    eq(await page.$$eval('.tabbed-set [role="tabpanel"]', (ps) => ps.map((p) => !p.hidden)), [true, false], 'panels shown');
    await tabs.nth(1).click();
    eq(await page.$$eval('.tabbed-set [role="tabpanel"]', (ps) => ps.map((p) => !p.hidden)), [false, true], 'after a click');
    await page.keyboard.press('ArrowRight');
    eq(await page.evaluate(() => document.activeElement.textContent), 'Primary', 'focus after ArrowRight (wraps)');
    eq(await tabs.nth(0).getAttribute('aria-selected'), 'true', 'ArrowRight selects');
    await page.keyboard.press('End');
    eq(await tabs.nth(1).getAttribute('aria-selected'), 'true', 'End selects the last tab');
    await tabs.nth(0).click();
  });

  await check('code with a language is highlighted by the vendored highlight.js', async () => {
    await page.waitForSelector('html[data-code-highlighted]', { timeout: 10000 });
    const spans = await page.$$eval('pre[lang="python"] code span[class^="hljs-"]', (s) => s.length);
    assert(spans >= 3, `python block has ${spans} highlight spans`);
  });

  await check('the copy button of a shell session copies the commands only', async () => {
    const block = page.locator('.codeblock', { has: page.locator('pre[lang="bash"]') });
    await block.hover();
    await block.locator('.copy-btn').click();
    await page.waitForFunction(() => window.__copied.length > 0);
    eq(await page.evaluate(() => window.__copied[0]), 'kubectl -n db get pods\nkubectl -n db delete pod db-0', 'copied');
  });

  await check('the mermaid diagram is drawn from the site\'s own assets, light and dark', async () => {
    await page.locator('.diagram').scrollIntoViewIfNeeded();
    await page.waitForSelector('html[data-diagrams-done]', { timeout: 30000 });
    eq(await page.$$eval('.diagram [data-rendered], .diagram[data-rendered]', (d) => d.length), 1, 'rendered diagrams');
    eq(await page.$$eval('.diagram .diagram-svg svg', (s) => s.length), 2, 'light and dark drawings');
    assert(await page.$eval('.diagram-light svg', (s) => s.textContent.includes('Standby')), 'labels drawn');
    assert(!(await page.isVisible('.diagram .diagram-source')), 'the source still shows over the drawing');
    eq(rec.outside, [], 'requests outside the site');
  });

  await check('on a 390 px phone the diagram keeps at least 3/4 of its size and scrolls in its box', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'light' });
    const p = await phone.newPage();
    await p.goto(page.url());
    await p.locator('.diagram').scrollIntoViewIfNeeded();
    await p.waitForSelector('html[data-diagrams-done]', { timeout: 30000 });
    const m = await p.$eval('.diagram-light svg', (s) => ({
      natural: parseFloat(s.style.maxWidth), shown: s.getBoundingClientRect().width,
      page: document.documentElement.scrollWidth, vw: innerWidth }));
    await phone.close();
    assert(m.natural > 390, `the fixture's diagram is ${m.natural} px wide: too narrow to test this`);
    assert(m.shown >= 0.75 * m.natural - 1, `drawn at ${Math.round(m.shown)} of ${m.natural} px`);
    assert(m.page <= m.vw, `the page is ${m.page} px wide on a ${m.vw} px screen`);
  });

  await check('scripts: this page loads the diagram, code and tab scripts from the site', async () => {
    const got = names(rec.scripts);
    for (const s of ['almanac.js', 'code.js', 'diagram.js', 'tabs.js', 'vendor/highlight/highlight.min.js',
      'vendor/mermaid/mermaid.min.js']) assert(got.includes(s), `${s} not loaded: ${got}`);
    eq(rec.errors, [], 'script errors');
  });

  await check('the callout and alert texts are readable in light mode', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(artifacts, 'dialects-light.png'), fullPage: true });
  });

  await check('dark mode: callouts keep their colours, the dark drawing shows', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const bg = await page.$eval('body', (b) => getComputedStyle(b).backgroundColor);
    const title = await page.$eval('.callout-warning .callout-title', (t) => getComputedStyle(t).color);
    assert(bg !== 'rgb(255, 255, 255)', `body stays white in dark mode: ${bg}`);
    assert(title !== bg, 'title colour equals the background');
    assert(await page.isVisible('.diagram-dark'), 'the dark drawing is hidden');
    assert(!(await page.isVisible('.diagram-light')), 'the light drawing shows in dark mode');
    await page.screenshot({ path: path.join(artifacts, 'dialects-dark.png'), fullPage: true });
  });

  await check('print: every tab and collapsed callout, the light drawing', async () => {
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    eq(await page.$$eval('.tabbed-block', (ps) => ps.map((p) => getComputedStyle(p).display !== 'none')), [true, true], 'tabs printed');
    assert(await page.isVisible('.tabbed-block >> nth=1 >> .tabbed-label'), 'a printed tab has no label');
    assert(!(await page.isVisible('.tabbed-tabs')), 'the tab list prints');
    assert(await page.isVisible('text=Collapsed MkDocs admonition'), 'a collapsed callout does not print its text');
    assert(await page.isVisible('.diagram-light'), 'the light drawing does not print');
    await page.screenshot({ path: path.join(artifacts, 'dialects-print.png'), fullPage: true });
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await page.emulateMedia({ media: 'screen', colorScheme: 'light' });
  });

  await check('a page without code or diagram loads no extra script', async () => {
    const p = await open(ctx, `${base}/runbooks/plain/`);
    eq(names(p.rec.scripts), ['almanac.js', 'search.js'], 'scripts of the plain page');
    await p.page.close();
  });

  await check('a page with code only loads the highlighter, not the diagram or tab scripts', async () => {
    const p = await open(ctx, `${base}/runbooks/code-only/`);
    await p.page.waitForSelector('html[data-code-highlighted]', { timeout: 10000 });
    eq(names(p.rec.scripts), ['almanac.js', 'code.js', 'search.js', 'vendor/highlight/highlight.min.js'], 'scripts of the code page');
    await p.page.close();
  });

  await check('without JavaScript: tabs stacked under their labels, the diagram source readable', async () => {
    const nojs = await browser.newContext({ viewport: { width: 1100, height: 900 }, javaScriptEnabled: false });
    const p = await nojs.newPage();
    await p.goto(URL_ALL);
    eq(await p.$$eval('.tabbed-label', (ls) => ls.map((l) => l.offsetParent !== null)), [true, true], 'labels shown');
    eq(await p.$$eval('.tabbed-block', (bs) => bs.map((b) => b.offsetParent !== null)), [true, true], 'tabs shown');
    assert(await p.isVisible('.diagram-source'), 'the diagram source is hidden');
    assert((await p.innerText('.diagram-source')).includes('primary -. replication .-> standby'), 'source text');
    await p.locator('.tabbed-set').scrollIntoViewIfNeeded();
    await p.screenshot({ path: path.join(artifacts, 'dialects-nojs.png') });
    await nojs.close();
  });

  await check('the safe HTML subset survives', async () => {
    eq(await page.$$eval('.content kbd', (k) => k.map((e) => e.textContent)), ['Ctrl', 'C'], 'kbd');
    for (const sel of ['.content sub', '.content sup', '.content mark', '.content abbr[title]', '.content ins', '.content del']) {
      assert(await page.$(sel), `${sel} missing`);
    }
    eq(await page.$eval('.content details:not(.callout) > summary', (s) => s.textContent), 'Recovery timeline', 'summary');
  });
} finally {
  await browser.close();
  server.close();
}
finish();
