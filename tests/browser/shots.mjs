#!/usr/bin/env node
// shots.mjs - screenshots of every page kind of a built site, 390 px and 1280 px wide, light and dark,
// with the page's scrollWidth and its widest elements printed (a tool for looking, not a test).
//
//   node shots.mjs --site DIR --pages JSON --out DIR [--widths 390,1280] [--schemes light,dark] [--clip Y:H]
//
// JSON maps a page kind to its path in the site ({"home": "", "runbook": "runbooks/x/", ...}).
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, loadPlaywright, parseArgs, serve } from './lib.mjs';

const args = parseArgs('shots.mjs --site DIR --pages JSON --out DIR', ['site', 'pages', 'out']);
const pw = loadPlaywright();
const pages = JSON.parse(args.pages);
const browser = await launchChromium(pw);
const server = await serve(args.site, { notFound: '404.html' });
const base = `http://127.0.0.1:${server.address().port}/`;
fs.mkdirSync(args.out, { recursive: true });
try {
  for (const scheme of (args.schemes || 'light,dark').split(',')) {
    for (const width of (args.widths || '390,1280').split(',').map(Number)) {
      const ctx = await browser.newContext({ viewport: { width, height: width === 390 ? 844 : 900 },
        colorScheme: scheme, deviceScaleFactor: 1 });
      const page = await ctx.newPage();
      for (const [kind, rel] of Object.entries(pages)) {
        await page.goto(base + rel);
        if (kind === 'search') await page.waitForSelector('[data-search-done]', { timeout: 10000 }).catch(() => {});
        await page.waitForTimeout(150);
        const m = await page.evaluate(() => {
          const vw = window.innerWidth, out = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > vw + 1 && r.width > 0) out.push(`${el.tagName.toLowerCase()}.${el.className || ''} right=${Math.round(r.right)}`);
          }
          return { sw: document.documentElement.scrollWidth, vw, wide: out.slice(0, 6) };
        });
        console.log(`${scheme} ${width} ${kind}: scrollWidth ${m.sw} / ${m.vw}${m.sw > m.vw ? '  TOO WIDE: ' + m.wide.join(' | ') : ''}`);
        const [y, h] = (args.clip || '').split(':').map(Number);
        await page.screenshot({ path: path.join(args.out, `${kind}-${width}-${scheme}${args.clip ? '-' + y : ''}.png`), fullPage: true,
          clip: args.clip ? { x: 0, y, width, height: h } : undefined });
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
