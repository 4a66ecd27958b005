// Screenshots of the site written by `amphi site`, at phone and desktop widths.
//
//   node tests/browser/screenshots.mjs SITE_DIR OUT_DIR
//
// Serves SITE_DIR from 127.0.0.1 (a random port), opens it in Debian's headless Chromium (or
// the browser in env CHROMIUM), fills in ranks and a wish list of six posts found by search
// ("cardio lyon", ...), opens the first wish's past rangs limites and writes into OUT_DIR:
//   phone.png          375 x 812, the first screen
//   phone-full.png     375 px wide, the whole page
//   desktop.png        1280 x 900, the first screen
//   desktop-full.png   1280 px wide, the whole page
//   desktop-en.png     1280 x 900, the first screen in English
//   phone-odds.png, desktop-odds.png       the odds section alone
//   phone-target.png, desktop-target.png   the target section alone
// Each browser starts with empty storage, so nothing of a previous visit shows.

import { chromium } from './node_modules/playwright-core/index.mjs';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import vm from 'node:vm';

const [siteArg, outArg] = process.argv.slice(2);
if (!siteArg || !outArg) {
  console.error('usage: node tests/browser/screenshots.mjs SITE_DIR OUT_DIR');
  process.exit(2);
}
const SITE = path.resolve(siteArg);
const OUT = path.resolve(outArg);

const sandbox = { self: {} };
vm.runInNewContext(fs.readFileSync(path.join(SITE, 'data.js'), 'utf8'), sandbox);
const data = sandbox.self.AMPHI_DATA;
const QUERIES = ['cardio lyon', 'pediatrie lyon', 'pediatrie grenoble', 'anesthesie rennes', 'psychiatrie bordeaux', 'medecine generale lille'];

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript; charset=utf-8' };
const server = http.createServer((req, res) => {
  let rel = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(SITE, path.normalize(rel));
  if (!file.startsWith(SITE + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/index.html`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
fs.mkdirSync(OUT, { recursive: true });

async function prepared(width, height) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: width < 600 ? 2 : 1 });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]');
  if (data.procedure === 'da') {
    for (const [k, g] of data.groups.entries()) await page.fill(`#rank-${g.key}`, String(600 + ((k * 1237) % 4200)));
  } else await page.fill('#rank', '4100');
  for (const q of QUERIES) {
    await page.fill('#search', q);
    const first = page.locator('#results li[data-post]').first();
    if (await first.count()) await first.click();
  }
  await page.fill('#search', '');
  const hist = page.locator('#odds details.hist').first();
  if (await hist.count()) await hist.evaluate((d) => (d.open = true));
  await page.evaluate(() => {
    document.activeElement.blur();
    window.scrollTo(0, 0);
  });
  return { context, page };
}

try {
  for (const [name, w, h] of [
    ['phone', 375, 812],
    ['desktop', 1280, 900],
  ]) {
    const { context, page } = await prepared(w, h);
    await page.screenshot({ path: path.join(OUT, `${name}.png`) });
    await page.screenshot({ path: path.join(OUT, `${name}-full.png`), fullPage: true });
    await page.locator('#odds-section').screenshot({ path: path.join(OUT, `${name}-odds.png`) });
    await page.locator('#target-section').screenshot({ path: path.join(OUT, `${name}-target.png`) });
    await page.evaluate(() => window.scrollTo(0, 0));
    if (name === 'desktop') {
      await page.click('#lang');
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(OUT, 'desktop-en.png') });
    }
    await context.close();
  }
  console.log(`wrote ${['phone', 'phone-full', 'phone-odds', 'phone-target', 'desktop', 'desktop-full', 'desktop-odds', 'desktop-target', 'desktop-en'].map((n) => path.join(outArg, n + '.png')).join(', ')}`);
} finally {
  await browser.close();
  server.close();
}
