#!/usr/bin/env node
// The freshness report page (freshness/) in a real browser, against a built site served on 127.0.0.1.
//
//   node report.test.mjs --site DIR [--artifacts DIR]
//
// Checks that the big number equals summary.fresh_percent of the site's freshness.json, that the two
// inline SVG charts are rendered (12 trend points and one bar per owner, with the JSON's values), that
// the attention list and the pages' freshness lines link where they should, that nothing is fetched
// from outside the site, no script error happens, and that the charts survive print media and opening
// the page from disk. Screenshots go to --artifacts (freshness-report.png, freshness-print.png).
// Drives /usr/bin/chromium (CHROMIUM overrides) with playwright-core, found in tests/browser/node_modules,
// $PLAYWRIGHT_CORE_DIR or /tmp/search-bench. Prints one line per check and "N passed, N failed"; exit 1
// when a check failed, 77 when playwright-core is missing.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { assert, check, eq, finish, launchChromium, loadPlaywright, parseArgs, serve } from './lib.mjs';

const args = parseArgs('report.test.mjs --site DIR [--artifacts DIR]', ['site']);
const pw = loadPlaywright();

const report = JSON.parse(fs.readFileSync(path.join(args.site, 'freshness.json'), 'utf8'));
const browser = await launchChromium(pw);
const server = await serve(args.site);
const base = `http://127.0.0.1:${server.address().port}`;
const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
const page = await context.newPage();
const errors = [];
const outside = [];
page.on('pageerror', (e) => errors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('request', (r) => {
  const u = r.url();
  if (!u.startsWith(base) && !u.startsWith('data:') && !u.startsWith('file:')) outside.push(u);
});

try {
  const resp = await page.goto(`${base}/freshness/`);

  await check('the report page loads', async () => {
    assert(resp && resp.status() === 200, `status ${resp && resp.status()}`);
  });

  await check('the big number equals summary.fresh_percent of freshness.json', async () => {
    const text = (await page.locator('.kpi-value').first().innerText()).trim();
    const num = parseFloat(text.replace('%', ''));
    eq(num, report.summary.fresh_percent, 'KPI');
    assert(/^\d+\.\d%?$/.test(text.replace(/\s+/g, '')), `KPI shown as "${text}", want one decimal`);
    const box = await page.locator('.kpi-value').first().boundingBox();
    assert(box && box.height >= 40, `the KPI is not a big number (height ${box && box.height})`);
  });

  await check('pass/fail against the target is shown', async () => {
    const kpi = await page.locator('.kpi').first().innerText();
    assert(kpi.includes(`${report.target_percent}%`), `target ${report.target_percent}% not in "${kpi}"`);
    assert(/below/i.test(kpi) === !report.summary.meets_target, `pass/fail wording wrong: "${kpi}"`);
  });

  await check('two inline SVG charts are rendered', async () => {
    const charts = await page.$$eval('svg[data-chart]', (ss) => ss.map((s) => {
      const r = s.getBoundingClientRect();
      return { kind: s.dataset.chart, w: r.width, h: r.height, ns: s.namespaceURI };
    }));
    eq(charts.map((c) => c.kind), ['trend', 'bars'], 'charts');
    for (const c of charts) {
      assert(c.w > 200 && c.h > 60, `${c.kind} chart is ${c.w}x${c.h}`);
      assert(c.ns === 'http://www.w3.org/2000/svg', `${c.kind} is not SVG`);
    }
    const scripts = await page.$$eval('svg[data-chart] script', (s) => s.length);
    eq(scripts, 0, 'scripts inside the charts');
  });

  await check('the trend chart has the 12 points of the JSON, in order, drawn inside the chart', async () => {
    const pts = await page.$$eval('svg[data-chart="trend"] .chart-point', (gs) => gs.map((g) => {
      const c = g.querySelector('circle').getBoundingClientRect();
      const s = g.ownerSVGElement.getBoundingClientRect();
      return { date: g.dataset.label, value: parseFloat(g.dataset.value), y: c.y + c.height / 2,
        inside: c.x >= s.x && c.right <= s.right && c.y >= s.y && c.bottom <= s.bottom };
    }));
    eq(pts.map((p) => [p.date, p.value]), report.trend.map((t) => [t.date, t.fresh_percent]), 'trend points');
    for (const p of pts) assert(p.inside, `point ${p.date} is outside the chart`);
    // higher percent = higher on screen
    for (let i = 0; i < pts.length; i++) {
      for (let j = 0; j < pts.length; j++) {
        if (pts[i].value > pts[j].value) assert(pts[i].y < pts[j].y, `${pts[i].date} is not above ${pts[j].date}`);
      }
    }
  });

  await check('the owner chart has one bar per owner with the JSON\'s percent, lengths in proportion', async () => {
    const bars = await page.$$eval('svg[data-chart="bars"] .chart-bar', (gs) => gs.map((g) => ({
      name: g.dataset.label, value: parseFloat(g.dataset.value), w: g.querySelector('rect').getBoundingClientRect().width,
    })));
    const want = report.groups.owner.map((g) => [g.name, g.fresh_percent]).sort();
    eq(bars.map((b) => [b.name, b.value]).sort(), want, 'owner bars');
    const full = bars.find((b) => b.value === 100);
    for (const b of bars) {
      if (full && full.w > 0) {
        assert(Math.abs(b.w / full.w - b.value / 100) < 0.02, `bar ${b.name} is ${b.w}px for ${b.value}%`);
      }
    }
  });

  await check('the attention list links to each page that needs attention', async () => {
    const want = report.documents.filter((d) => d.status === 'stale' || d.status === 'due' || d.drifted).length;
    const hrefs = await page.$$eval('table a[href]', (as) => as.map((a) => a.href));
    const pages = report.documents.map((d) => `${base}/${d.url}`);
    const linked = hrefs.filter((h) => pages.includes(h));
    eq(linked.length, want, 'links to pages needing attention');
    for (const h of linked) {
      const r = await page.request.get(h);
      assert(r.status() === 200, `${h}: ${r.status()}`);
    }
  });

  await check('alert coverage is shown with the JSON\'s figures', async () => {
    const body = await page.locator('body').innerText();
    assert(body.includes(`${report.alerts.coverage_percent.toFixed(1)}%`), 'coverage percent missing');
    for (const a of report.alerts.uncovered) assert(body.includes(a), `uncovered alert ${a} missing`);
  });

  await check('screenshot of the report page', async () => {
    if (!args.artifacts) return;
    fs.mkdirSync(args.artifacts, { recursive: true });
    const file = path.join(args.artifacts, 'freshness-report.png');
    await page.screenshot({ path: file, fullPage: true });
    assert(fs.statSync(file).size > 10000, 'screenshot is empty');
    console.log(`     screenshot: ${file}`);
  });

  await check('the charts are kept when printing', async () => {
    await page.emulateMedia({ media: 'print' });
    const sizes = await page.$$eval('svg[data-chart]', (ss) => ss.map((s) => s.getBoundingClientRect().width));
    eq(sizes.length, 2, 'charts in print');
    for (const w of sizes) assert(w > 200, `a chart is ${w}px wide in print`);
    if (args.artifacts) await page.screenshot({ path: path.join(args.artifacts, 'freshness-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });

  await check('each page links to the report from its freshness line (a stale page: from its banner)', async () => {
    const d = report.documents.find((x) => x.status === 'stale') || report.documents[0];
    await page.goto(`${base}/${d.url}`);
    const link = page.locator('.freshness a[href$="freshness/"], .banner a[href$="freshness/"]').first();
    assert(await link.count() === 1, 'no report link in the freshness line or banner');
    await link.click();
    await page.waitForURL(`${base}/freshness/`);
    eq(await page.locator('svg[data-chart]').count(), 2, 'charts after following the link');
  });

  await check('nothing is fetched from outside the site, no script errors', async () => {
    eq(outside, [], 'outside requests');
    eq(errors, [], 'page errors');
  });

  await check('the page works opened from disk (offline)', async () => {
    const off = await browser.newContext({ offline: true });
    const p2 = await off.newPage();
    await p2.goto(pathToFileURL(path.join(path.resolve(args.site), 'freshness', 'index.html')).href);
    eq(await p2.locator('svg[data-chart] .chart-point').count(), report.trend.length, 'trend points from disk');
    const text = (await p2.locator('.kpi-value').first().innerText()).trim();
    eq(parseFloat(text), report.summary.fresh_percent, 'KPI from disk');
    await off.close();
  });
} finally {
  await browser.close();
  server.close();
}
finish();
