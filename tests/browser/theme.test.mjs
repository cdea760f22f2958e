#!/usr/bin/env node
// The theme at any depth and any name length, in a real browser (run by tests/integration/test_browser_theme.py).
//
//   node theme.test.mjs --site DIR --pages JSON [--site-base DIR --base-url URL [--base-port N]]
//                       [--report FILE --report-base URL] [--nginx URL]
//                       [--serve URL --serve-repo DIR --serve-page REL --serve-file REL]
//                       [--artifacts DIR]
//
// --site: a site built without base_url from a fixture with 60-character CamelCase names; --pages maps each
// page kind (home, section, runbook, guide, role, alert, search, freshness, 404, redirect) to its address.
// Checks: no page is wider than a 390 px phone (light and dark), long names wrap instead of being clipped or
// drawn over their neighbours, the 404 page works at any depth and under a sub-path (Node server with
// nginx-style error_page semantics, real nginx when --nginx is given, almanac serve when --serve is given),
// with base_url (--site-base, built for --base-url and served there by nginx, or by a Node server on
// --base-port; also without JavaScript), the freshness page
// leads with the KPI and charts and pages its attention list without JavaScript, a stale runbook's first
// line of content shows on a phone and its staleness is said once, the header search box opened from disk
// says search needs HTTP, the standalone HTML report fits a phone in both schemes, and in serve a broken
// link shows the error overlay together with the edit. Screenshots of every page kind (390 and 1280 px,
// light and dark) go to --artifacts/theme/.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { assert, check, eq, finish, launchChromium, loadPlaywright, parseArgs, serve } from './lib.mjs';

const args = parseArgs('theme.test.mjs --site DIR --pages JSON [...]', ['site', 'pages']);
const pw = loadPlaywright();
const pages = JSON.parse(args.pages);
const browser = await launchChromium(pw);
const server = await serve(args.site, { notFound: '404.html' });
const base = `http://127.0.0.1:${server.address().port}/`;
const sub = await serve(args.site, { notFound: '404.html', prefix: '/docs/handbook/' });
const subBase = `http://127.0.0.1:${sub.address().port}/docs/handbook/`;
const shots = args.artifacts && path.join(args.artifacts, 'theme');
if (shots) fs.mkdirSync(shots, { recursive: true });
const errors = [];

async function newPage(opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, ...opts });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  return page;
}

// Open a page kind; the redirect page is shown without its meta refresh (it would leave at once).
async function open(page, root, kind) {
  const url = root + pages[kind];
  if (kind === 'redirect') {
    await page.route(url, async (route) => {
      const r = await route.fetch();
      route.fulfill({ response: r, body: (await r.text()).replace(/<meta http-equiv="refresh"[^>]*>/, '') });
    });
  }
  const resp = await page.goto(url);
  if (kind === 'search') await page.waitForSelector('[data-search-results][data-search-done]', { timeout: 15000 });
  if (kind === '404') await page.waitForFunction(() => !!document.querySelector('base[href]'), null, { timeout: 10000 }).catch(() => {});
  await page.waitForLoadState('load');
  return resp;
}

// Elements wider than the viewport, for the failure message.
const overflow = (page) => page.evaluate(() => {
  const vw = window.innerWidth, wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > vw + 0.5 && wide.length < 4) wide.push(`<${el.tagName.toLowerCase()} class="${el.className}"> right=${Math.round(r.right)}`);
  }
  return { sw: document.documentElement.scrollWidth, vw, wide };
});

try {
  for (const scheme of ['light', 'dark']) {
    await check(`no page is wider than a 390 px phone (${scheme}): ${Object.keys(pages).join(', ')}`, async () => {
      const page = await newPage({ colorScheme: scheme });
      const bad = [];
      for (const kind of Object.keys(pages)) {
        await open(page, base, kind);
        const m = await overflow(page);
        if (m.sw > m.vw) bad.push(`${kind}: scrollWidth ${m.sw} > ${m.vw} (${m.wide.join('; ')})`);
        if (shots) await page.screenshot({ path: path.join(shots, `${kind}-390-${scheme}.png`), fullPage: true });
      }
      await page.context().close();
      eq(bad, [], 'pages wider than the viewport');
    });
  }

  await check('screenshots at 1280 px (light and dark), nothing wider than the window', async () => {
    const bad = [];
    for (const scheme of ['light', 'dark']) {
      const page = await newPage({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
      for (const kind of Object.keys(pages)) {
        await open(page, base, kind);
        const m = await overflow(page);
        if (m.sw > m.vw) bad.push(`${kind} ${scheme}: ${m.sw} (${m.wide.join('; ')})`);
        if (shots) await page.screenshot({ path: path.join(shots, `${kind}-1280-${scheme}.png`), fullPage: true });
      }
      await page.context().close();
    }
    eq(bad, [], 'pages wider than 1280 px');
  });

  await check('long names wrap: no sidebar entry or card title is clipped, no card title runs under its badges', async () => {
    const page = await newPage({ viewport: { width: 1280, height: 900 } });
    for (const kind of ['home', 'section', 'runbook']) {
      await open(page, base, kind);
      const r = await page.evaluate(() => {
        const clipped = [...document.querySelectorAll('.nav-item > a, .child-title, .link-item > a')]
          .filter((a) => a.getBoundingClientRect().width && a.scrollWidth > a.clientWidth + 1).map((a) => a.textContent);
        const overlaps = [];
        for (const card of document.querySelectorAll('.child')) {
          const t = card.querySelector('.child-title').getBoundingClientRect();
          for (const b of card.querySelectorAll('.child-badges > *')) {
            const x = b.getBoundingClientRect();
            if (x.width && t.left < x.right && x.left < t.right && t.top < x.bottom && x.top < t.bottom) overlaps.push(card.textContent.trim().slice(0, 60));
          }
        }
        const side = document.querySelector('.sidebar');
        return { clipped, overlaps, wrapped: [...side.querySelectorAll('.nav-item > a')].some((a) => a.getBoundingClientRect().height > 40) };
      });
      eq(r.clipped, [], `${kind}: clipped names`);
      eq(r.overlaps, [], `${kind}: card titles under their badges`);
      assert(r.wrapped, `${kind}: no long sidebar entry spans several lines`);
    }
    // the breaks fall at CamelCase boundaries, and the text is unchanged
    await open(page, base, 'section');
    const t = await page.evaluate(() => {
      const el = document.querySelector('.child-title');
      return { html: el.innerHTML, text: el.textContent };
    });
    assert(/[a-z]<wbr>[A-Z]/.test(t.html), `no <wbr> at a CamelCase boundary: ${t.html}`);
    assert(!/\s/.test(t.text) && t.text.length >= 60, `text changed: ${t.text}`);
    await page.context().close();
  });

  // ------------------------------------------------------------------ 404
  // The 404 page at `url` (status 404) is styled, finds the site root `root`, and its links lead there.
  async function notFound(page, url, root, { js = true } = {}) {
    const resp = await page.goto(url);
    eq(resp.status(), 404, `status of ${url}`);
    if (js) await page.waitForFunction(() => !!document.querySelector('base[href]'), null, { timeout: 10000 });
    const r = await page.evaluate(() => ({
      font: getComputedStyle(document.querySelector('.notfound-code')).fontSize,
      home: document.querySelector('.notfound-links a').href,
      search: document.querySelector('.notfound-links a[href*="search"]') && document.querySelector('.notfound-links a[href*="search"]').href,
      form: document.querySelector('form.header-search').action,
      nav: document.querySelector('.sidebar .nav-item > a').href,
      sw: document.documentElement.scrollWidth, vw: window.innerWidth,
    }));
    eq(r.font, '80px', `${url}: the page is not styled (404 size)`);
    eq(r.home, root, `${url}: home link`);
    eq(r.search, root + 'search/', `${url}: search link`);
    eq(r.form, root + 'search/', `${url}: search form`);
    assert(r.nav.startsWith(root), `${url}: sidebar link ${r.nav}`);
    assert(r.sw <= r.vw, `${url}: ${r.sw} px wide`);
    if (js) {
      // almanac.js, loaded from the root found, shows the menu button
      await page.waitForFunction(() => document.querySelector('.nav-toggle').hidden === false, null, { timeout: 10000 })
        .catch(() => { throw new Error(`${url}: almanac.js did not run (menu button hidden)`); });
      const sug = await page.locator('[data-404-suggest] a').getAttribute('href');
      assert(sug && sug.includes('search/?q='), `${url}: no search suggestion (${sug})`);
      await page.locator('.notfound-links a').first().click();
      await page.waitForLoadState('load');
      eq(page.url(), root, 'after following the home link');
      assert(await page.locator('.hero').count() === 1, `${url}: the home link did not lead to the home page`);
    }
  }

  await check('the phone menu takes the keyboard: opening it focuses its current page, Escape gives it back', async () => {
    const page = await newPage();
    await open(page, base, 'runbook');
    await page.waitForFunction(() => document.querySelector('.nav-toggle').hidden === false, null, { timeout: 10000 });
    await page.focus('.nav-toggle');
    await page.keyboard.press('Enter');
    const opened = await page.evaluate(() => ({
      expanded: document.querySelector('.nav-toggle').getAttribute('aria-expanded'),
      inside: !!document.activeElement.closest('#sidebar'),
      current: document.activeElement.getAttribute('aria-current'),
    }));
    eq(opened, { expanded: 'true', inside: true, current: 'page' }, 'after opening the menu with Enter');
    await page.keyboard.press('Escape');
    const closed = await page.evaluate(() => ({
      expanded: document.querySelector('.nav-toggle').getAttribute('aria-expanded'),
      button: document.activeElement.classList.contains('nav-toggle'),
    }));
    eq(closed, { expanded: 'false', button: true }, 'after Escape');
    await page.context().close();
  });

  await check('no empty box under a title: a shown page-info box has text, on every page kind and a bare stale page', async () => {
    const page = await newPage();
    const bad = [];
    for (const kind of Object.keys(pages)) {
      await open(page, base, kind);
      const boxes = await page.$$eval('.page-info', (els) => els.map((e) => ({
        shown: e.getBoundingClientRect().height > 0, text: e.innerText.trim() })));
      for (const b of boxes) if (b.shown && !b.text) bad.push(kind);
      if (kind === 'bare') eq(boxes.map((b) => b.shown), [false], 'the bare page\'s box is shown');
    }
    await page.context().close();
    eq(bad, [], 'pages with an empty box under the title');
  });

  await check('404 at any depth, at the root of the server (a miss answered with 404.html, status 404)', async () => {
    const page = await newPage();
    for (const rel of ['nope', 'nope/', 'runbooks/no/such/page/', 'a/b/c/d/e/f/g.html', pages['404']]) {
      await notFound(page, base + rel, base);
    }
    await page.context().close();
  });

  await check('404 at any depth under a sub-path (/docs/handbook/), without base_url', async () => {
    const page = await newPage();
    for (const rel of ['x', 'runbooks/no/such/page/', 'freshness/x/y/']) await notFound(page, subBase + rel, subBase);
    await page.context().close();
  });

  if (args.nginx) {
    await check('404 from a real nginx (error_page 404) under a sub-path, at any depth', async () => {
      const page = await newPage();
      const n = args.nginx.replace(/\/?$/, '/');
      for (const rel of ['nope', 'runbooks/no/such/page/', 'a/b/c/']) await notFound(page, n + 'plain/' + rel, n + 'plain/');
      await page.context().close();
    });
  }

  if (args['site-base']) {
    // the site built with base_url = <nginx or node>/handbook/; served there, with and without JavaScript
    const root = args['base-url'];
    if (args['base-port']) {
      const s = await serve(args['site-base'], { notFound: '404.html', prefix: new URL(root).pathname, port: +args['base-port'] });
      process.on('exit', () => s.close());
    }
    for (const js of [true, false]) {
      await check(`404 with base_url under a sub-path, JavaScript ${js ? 'on' : 'off'}`, async () => {
        const page = await newPage({ javaScriptEnabled: js });
        for (const rel of ['missing', 'runbooks/no/such/page/', 'a/b/c/d.html']) await notFound(page, root + rel, root, { js });
        await page.context().close();
      });
    }
  }

  if (args.serve) {
    await check('404 from almanac serve at any depth', async () => {
      const page = await newPage();
      const s = args.serve.replace(/\/?$/, '/');
      for (const rel of ['nope', 'runbooks/no/such/page/']) await notFound(page, s + rel, s);
      await page.context().close();
    });
  }

  // ------------------------------------------------------------------ freshness page
  await check('the freshness page leads with the KPI, trend and owner charts; the attention list is paged', async () => {
    const page = await newPage({ viewport: { width: 1280, height: 900 } });
    await open(page, base, 'freshness');
    const y = await page.evaluate(() => {
      const top = (s) => document.querySelector(s).getBoundingClientRect().top + scrollY;
      return { kpi: top('.kpi-value'), trend: top('svg[data-chart="trend"]'), owner: top('svg[data-chart="bars"]'),
        attention: top('#attention-title'), innerHeight };
    });
    assert(y.kpi < y.trend && y.trend < y.owner && y.owner < y.attention, `order: ${JSON.stringify(y)}`);
    assert(y.trend < y.innerHeight, `the trend chart starts below the first screen (${y.trend})`);
    const visible = await page.locator('.attention-table tbody tr:visible').count();
    eq(visible, 20, 'rows shown before "Show more"');
    await page.context().close();
  });

  await check('the attention list pages without JavaScript: the rest opens from "Show N more pages"', async () => {
    const page = await newPage({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    await open(page, base, 'freshness');
    const total = parseInt(await page.locator('#attention-title .count').innerText(), 10);
    eq(await page.locator('.attention-table tbody tr:visible').count(), 20, 'rows shown at first');
    const summary = page.locator('details.more-rows > summary');
    eq(await summary.innerText(), `Show ${total - 20} more pages`, 'summary');
    await summary.click();
    eq(await page.locator('.attention-table tbody tr:visible').count(), total, 'rows after opening');
    await page.context().close();
  });

  // ------------------------------------------------------------------ runbook on a phone
  await check('a stale runbook on a 390x844 phone: its first line of content shows, its staleness is said once', async () => {
    const page = await newPage();
    await open(page, base, 'runbook');
    const r = await page.evaluate(() => {
      // the first line of the first paragraph: the box of its first characters (a block has one box)
      const t = document.createTreeWalker(document.querySelector('.content p'), NodeFilter.SHOW_TEXT).nextNode();
      const range = document.createRange();
      range.setStart(t, 0);
      range.setEnd(t, Math.min(3, t.length));
      const line = range.getClientRects()[0];
      const text = document.body.innerText;
      return { bottom: line.bottom, h: innerHeight, banner: !!document.querySelector('.banner-stale'),
        overdue: (text.match(/overdue/g) || []).length, ago: (text.match(/days ago/g) || []).length };
    });
    assert(r.banner, 'no stale banner');
    assert(r.bottom <= r.h, `the first line of content ends at ${Math.round(r.bottom)} px, below the ${r.h} px screen`);
    eq([r.overdue, r.ago], [1, 1], 'times "overdue" and "days ago" are said');
    if (shots) await page.screenshot({ path: path.join(shots, 'runbook-phone-first-screen.png') });
    await page.context().close();
  });

  // ------------------------------------------------------------------ names on a phone
  await check('on a 390 px phone the logo link (its title hidden) is named by the site title, in light and dark', async () => {
    for (const colorScheme of ['light', 'dark']) {
      const page = await newPage({ colorScheme });
      await open(page, base, 'runbook');
      const brand = page.locator('header a.brand');
      const r = await brand.evaluate((a) => ({ shown: a.querySelector('span').getBoundingClientRect().width,
        right: a.getBoundingClientRect().right, title: document.title }));
      assert(r.shown <= 1, `the site title is shown beside the logo on a phone (${r.shown}px)`);
      assert(r.right <= 390, `the logo link ends at ${r.right}px`);
      const snap = await brand.ariaSnapshot();
      assert(/link "Platform Operations Handbook For The Virtualization Infrastructure Team"/.test(snap),
        `${colorScheme}: the logo link's accessible name: ${snap}`);
      await page.context().close();
    }
  });

  // ------------------------------------------------------------------ file://
  await check('opened from disk, the header search box says search needs HTTP; Enter opens the search page', async () => {
    const page = await newPage();
    await page.goto(pathToFileURL(path.join(path.resolve(args.site), pages.runbook, 'index.html')).href);
    await page.locator('header input[data-search]').click();
    await page.locator('.as-drop').waitFor({ state: 'visible', timeout: 5000 });
    const msg = await page.locator('.as-drop').innerText();
    assert(/served over HTTP/.test(msg), `dropdown says: ${msg}`);
    await page.locator('header input[data-search]').fill('GuestVCPUQueue');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-search-results][data-search-done]', { timeout: 10000 });
    assert(page.url().includes('/search/index.html?q=GuestVCPUQueue'), `went to ${page.url()}`);
    assert(/served over HTTP/.test(await page.locator('[data-search-results]').innerText()), 'the search page does not say it');
    await page.context().close();
  });

  // ------------------------------------------------------------------ HTML report
  if (args.report) {
    await check('the standalone HTML report fits a phone, follows dark mode and links its pages', async () => {
      for (const scheme of ['light', 'dark']) {
        const page = await newPage({ colorScheme: scheme });
        await page.goto(pathToFileURL(path.resolve(args.report)).href);
        const m = await overflow(page);
        assert(m.sw <= m.vw, `${scheme}: ${m.sw} px wide (${m.wide.join('; ')})`);
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        eq(bg === 'rgb(255, 255, 255)', scheme === 'light', `${scheme} background ${bg}`);
        if (shots) await page.screenshot({ path: path.join(shots, `report-390-${scheme}.png`), fullPage: true });
        await page.context().close();
      }
      const page = await newPage();
      await page.goto(pathToFileURL(path.resolve(args.report)).href);
      const hrefs = await page.$$eval('table a[href]', (as) => as.map((a) => a.href));
      assert(hrefs.length > 20 && hrefs.every((h) => h.startsWith(args['report-base'])), `links: ${hrefs.slice(0, 3)}`);
      await page.context().close();
    });
  }

  // ------------------------------------------------------------------ serve: a broken link does not hold the edit back
  if (args.serve && args['serve-repo']) {
    await check('serve: a broken link shows the error overlay and the writer\'s edit', async () => {
      const page = await newPage({ viewport: { width: 1280, height: 900 } });
      const s = args.serve.replace(/\/?$/, '/');
      await page.goto(s + args['serve-page']);
      await page.waitForTimeout(300); // the event stream connects
      const file = path.join(args['serve-repo'], args['serve-file']);
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file + '.tmp~', text + '\nThe new step is here: see [the runbook](no-such-runbook.md).\n');
      fs.renameSync(file + '.tmp~', file);
      await page.waitForSelector('[data-almanac-overlay="errors"]', { timeout: 20000 });
      const overlay = await page.locator('[data-almanac-overlay]').innerText();
      assert(/no-such-runbook\.md/.test(overlay), `overlay: ${overlay}`);
      assert(await page.locator('main', { hasText: 'The new step is here' }).count() === 1, 'the edit is not shown');
      if (shots) await page.screenshot({ path: path.join(shots, 'serve-overlay.png') });
      fs.writeFileSync(file, text);
      await page.context().close();
    });
  }

  await check('no script errors on any page', async () => eq(errors, [], 'page errors'));
} finally {
  await browser.close();
  server.close();
  sub.close();
}
finish();
