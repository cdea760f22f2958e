import fs from 'node:fs';
import { loadPlaywright, serve, launchChromium } from './lib.mjs';
const pw = loadPlaywright();
const site = process.argv[2], query = process.argv[3] || 'KubePodCrashLooping', page0 = process.argv[4] || '';
const server = await serve(site);
const port = server.address().port;
const browser = await launchChromium(pw);
async function measure(mode) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:${port}/${page0}`);
  let reqs = 0, bytes = 0; const urls = [];
  page.on('request', (r) => { const u = new URL(r.url()); if (u.pathname.includes('/search/')) { reqs++; urls.push(u.pathname); bytes += fs.statSync(site + u.pathname).size; } });
  const input = page.locator('input[data-search]').first();
  await input.click();
  if (mode === 'type') await input.pressSequentially(query, { delay: 150 });
  else await input.fill(query);
  await page.waitForTimeout(1500);
  await ctx.close();
  return { reqs, bytes, urls };
}
for (const m of ['paste', 'type']) { const r = await measure(m); console.log(m, r.reqs, 'requests', (r.bytes / 1024).toFixed(1), 'KiB'); }
await browser.close(); server.close();
