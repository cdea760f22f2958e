#!/usr/bin/env node
// A hub with sources: (built by tests/integration/test_browser_sources.py) in a real browser.
//
//   node sources.test.mjs --site DIR [--artifacts DIR]
//
// Checks the freshness page's "By source" table against freshness.json, the section page of a source
// whose _index.md is published at the source's address (sidebar title, children in weight order, not a
// child of itself), links across repositories, an alert page with labels, the search filters on one row at
// 1280 px, a search result's place (its page's breadcrumbs), and that no page is wider than a 390 px phone in light and dark (screenshots in --artifacts).
// Exit 1 when a check failed, 77 when playwright-core is missing.
import fs from 'node:fs';
import path from 'node:path';
import { assert, check, eq, finish, launchChromium, loadPlaywright, parseArgs, serve } from './lib.mjs';

const args = parseArgs('sources.test.mjs --site DIR [--artifacts DIR]', ['site']);
const pw = loadPlaywright();
const report = JSON.parse(fs.readFileSync(path.join(args.site, 'freshness.json'), 'utf8'));
const browser = await launchChromium(pw);
const server = await serve(args.site, { notFound: '404.html' });
const base = `http://127.0.0.1:${server.address().port}/`;
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));

try {
  await check('the freshness page has a "By source" table with freshness.json\'s groups.source', async () => {
    await page.goto(base + 'freshness/');
    const rows = await page.evaluate(() => {
      const h = [...document.querySelectorAll('h3')].find((e) => e.textContent.trim() === 'By source');
      if (!h) return null;
      return [...h.parentElement.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent.trim()));
    });
    assert(rows, 'no "By source" heading on the freshness page');
    const want = report.groups.source.map((g) => [g.name, String(g.documents), `${g.fresh_percent.toFixed(1)}%`]);
    eq(JSON.stringify(rows.map((r) => r.slice(0, 3))), JSON.stringify(want), 'rows of "By source"');
    eq(rows.map((r) => r[0]).join(','), '(hub),payments,search-api', 'sources');
  });

  await check('each source\'s row shows its own trend: a sparkline of trend_by_source and where it started', async () => {
    await page.goto(base + 'freshness/');
    const cells = await page.evaluate(() => {
      const h = [...document.querySelectorAll('h3')].find((e) => e.textContent.trim() === 'By source');
      return [...h.parentElement.querySelectorAll('tbody tr')].map((tr) => {
        const svg = tr.querySelector('td.trend-cell svg[data-chart="spark"]');
        return { name: tr.cells[0].textContent.trim(), role: svg && svg.getAttribute('role'),
          desc: svg && svg.querySelector('desc').textContent, was: (tr.querySelector('.trend-was') || {}).textContent || '',
          width: svg && Math.round(svg.getBoundingClientRect().width) };
      });
    });
    eq(cells.length, report.groups.source.length, 'rows with a trend cell');
    for (const c of cells) {
      const pts = report.trend_by_source[c.name].filter((p) => p.documents > 0);
      eq(c.role, 'img', `${c.name}: the sparkline is an image with a text description`);
      if (!pts.length) {
        assert(c.desc.startsWith('No data'), `${c.name}: no month with pages should say No data, got ${c.desc}`);
        eq(c.was, '', `${c.name}: nothing it started from`);
        continue;
      }
      const words = pts.map((p) => `${p.date}: ${p.fresh_percent.toFixed(1)}% fresh of ${p.documents} page${p.documents === 1 ? '' : 's'}`);
      eq(c.desc, `${words.join('; ')}. Target ${report.target_percent}%.`, `${c.name}: the sparkline's points`);
      eq(c.was, `was ${pts[0].fresh_percent.toFixed(1)}% on ${pts[0].date}`, `${c.name}: where its trend started`);
      eq(c.width, 96, `${c.name}: sparkline width`);
    }
    assert(cells.some((c) => c.was), 'no source had pages in the trend\'s months');
  });

  await check('the freshness page fits a phone: the trend column does not widen the page', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const p = await phone.newPage();
    await p.goto(base + 'freshness/');
    const over = await p.evaluate(() => document.documentElement.scrollWidth);
    await phone.close();
    assert(over <= 390, `the page is ${over} px wide at 390 px`);
  });

  await check('a source\'s _index.md is its section page: sidebar title, children in weight order, not its own child', async () => {
    await page.goto(base + 'payments/');
    eq((await page.textContent('h1')).trim(), 'Payments runbooks', 'title');
    const nav = await page.evaluate(() => {
      const cur = document.querySelector('.sidebar [aria-current="page"]');
      const li = cur && cur.closest('li');
      return cur && { folder: cur.textContent.trim(), isFolder: li.classList.contains('nav-folder'),
        children: [...li.querySelectorAll(':scope > ul > li > a')].map((a) => a.textContent.trim()) };
    });
    assert(nav, 'the page is not marked current in the sidebar');
    assert(nav.isFolder, `the current sidebar entry "${nav.folder}" is a leaf, not the section`);
    eq(nav.children.join(' | '), 'Payments database down | Payments queue backlog', 'children of the section');
    const crumbs = await page.$$eval('.breadcrumbs a', (as) => as.map((a) => a.href));
    assert(crumbs.length > 0 && !crumbs.includes(page.url()), `a breadcrumb links to the page itself: ${crumbs.join(' > ')}`);
  });

  await check('links across repositories lead to pages', async () => {
    const seen = [];
    for (const [from, text] of [['search-api/reindex/', 'payments backlog'], ['payments/paymentsqueuebacklog/', 'node runbook'],
      ['', 'payments'], ['', 'search']]) {
      await page.goto(base + from);
      const href = await page.getAttribute(`.content a:text-is("${text}"), .doc-body a:text-is("${text}")`, 'href');
      const resp = await page.goto(new URL(href, base + from).href);
      assert(resp.status() === 200, `${from} "${text}" -> ${href}: HTTP ${resp.status()}`);
      seen.push((await page.textContent('h1')).trim());
    }
    eq(seen.join(' | '), 'Payments queue backlog | Node NotReady | Payments queue backlog | Reindex the search cluster', 'pages reached');
  });

  await check('"Linked from" says where a page of another repository lives (its breadcrumbs), not a page of the same one', async () => {
    await page.goto(base + 'payments/paymentsqueuebacklog/');
    const items = await page.$$eval('.backlinks .link-item', (lis) => lis.map((li) => ({
      title: li.querySelector('a').textContent.trim(), href: li.querySelector('a').href,
      where: (li.querySelector('.link-where') || {}).textContent || null })));
    const other = items.find((i) => i.title === 'Reindex the search cluster');
    const same = items.find((i) => i.title === 'Payments database down');
    assert(other && same, `backlinks: ${JSON.stringify(items)}`);
    eq(same.where, null, 'where of a backlink from the same repository');
    await page.goto(other.href);
    const crumbs = await page.$$eval('.breadcrumbs a', (as) => as.slice(1).map((a) => a.textContent.trim()));
    assert(crumbs.length > 0, 'the search-api page has no breadcrumbs');
    eq(other.where, crumbs.join(' \u203a '), 'where of the backlink from search-api');
  });

  await check('alerts/<Name>/ with labels opens the source\'s runbook with the labels', async () => {
    await page.goto(base + 'alerts/PaymentsDBDown/?namespace=prod&pod=x');
    await page.waitForURL(/payments\/db-down\//, { timeout: 10000 });
    const box = await page.textContent('main');
    assert(/prod/.test(box) && /PaymentsDBDown/.test(box), 'the labels are not shown');
  });

  await check('the search filters share one row at 1280 px, even with a long owner name', async () => {
    await page.goto(base + 'search/?q=slow');
    await page.waitForSelector('[data-search-results][data-search-done]', { timeout: 15000 });
    const sel = await page.$$eval('.search-form select', (ss) => ss.map((s) => {
      const r = s.getBoundingClientRect();
      return { top: Math.round(r.top), width: Math.round(r.width), options: [...s.options].map((o) => o.textContent) };
    }));
    eq(sel.length, 3, 'filter menus');
    assert(sel[1].options.some((o) => /alice-search-oncall.*frank-query-latency/.test(o)),
      `the OWNERS approvers are not an owner choice: ${JSON.stringify(sel[1].options)}`);
    eq(sel.map((s) => s.top), [sel[0].top, sel[0].top, sel[0].top], `rows of the filter menus (widths ${sel.map((s) => s.width)})`);
  });

  await check('a search result says where its page lives with the titles of the page\'s breadcrumbs', async () => {
    await page.goto(base + 'search/?q=backlog');
    await page.waitForSelector('[data-search-results][data-search-done]', { timeout: 15000 });
    const r = await page.$eval('[data-search-results] .as-item', (li) => ({
      href: li.querySelector('a[data-result]').href, path: (li.querySelector('.as-path') || {}).textContent }));
    await page.goto(r.href);
    const crumbs = await page.$$eval('.breadcrumbs a', (as) => as.slice(1).map((a) => a.textContent.trim()));
    eq(r.path, crumbs.join(' \u203a '), `where ${r.href} lives`);
    eq(r.path, 'Payments runbooks', 'the source\'s _index.md title, not its name made readable');
  });

  await check('no page is wider than a 390 px phone, light and dark', async () => {
    const wide = [];
    for (const scheme of ['light', 'dark']) {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: scheme });
      const p = await ctx.newPage();
      for (const [kind, rel] of Object.entries({ home: '', payments: 'payments/', runbook: 'payments/paymentsqueuebacklog/',
        freshness: 'freshness/' })) {
        await p.goto(base + rel);
        const sw = await p.evaluate(() => document.documentElement.scrollWidth);
        if (sw > 390) wide.push(`${kind} ${scheme}: ${sw}px`);
        if (args.artifacts) {
          fs.mkdirSync(args.artifacts, { recursive: true });
          await p.screenshot({ path: path.join(args.artifacts, `${kind}-390-${scheme}.png`), fullPage: true });
        }
      }
      await ctx.close();
    }
    assert(wide.length === 0, wide.join('; '));
  });

  await check('no script errors', async () => { assert(errors.length === 0, errors.join('; ')); });
} finally {
  await context.close();
  await browser.close();
  server.close();
}
finish();
