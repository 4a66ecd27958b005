// The browser test of the site written by `amphi site`.
//
//   node tests/browser/site.mjs SITE_DIR
//
// Serves SITE_DIR from 127.0.0.1 (a random port), opens it in Debian's headless Chromium and
// checks, printing one line per check (`ok` or `FAIL`), exit status 1 if any failed:
// - every request the page makes goes to 127.0.0.1 or localhost;
// - ranks filled in and a list built by searching names ("cardio lyon"), the odds the page
//   shows (its data-p, data-lo, data-hi attributes) agree with `amphi wishlist` run on the
//   same year, ranks, list, --sims and --seed: equal to the CLI's printed precision (4
//   decimals) for a year up to 2023 (serial dictatorship), within AMPHI_DA_TOLERANCE from 2024
//   (deferred acceptance);
// - the page writes its chances in French ("12,5 %");
// - emptying a rank refuses the wishes of that ranking, with a message;
// - "what is still open" is sorted by chance and its filter works;
// - the target gives the rank for 50, 80 and 95 % and draws its curve;
// - the list and the ranks survive a reload (localStorage);
// - the English switch changes the headings and <html lang>;
// - a pasted list replaces the list, and a bad line is reported with its number;
// - "Exporter en CSV" downloads a French CSV (BOM, `;`, decimal comma);
// - the page has no horizontal scroll at 375 px;
// - it works from file://, without a server;
// - once loaded over http, the page works offline (service worker);
// - the odds of 60 wishes take under AMPHI_ODDS_BUDGET_MS in the page.
//
// Environment:
//   AMPHI_BIN            the amphi binary (default target/release/amphi, from the repository root)
//   AMPHI_DA_TOLERANCE   the largest difference allowed from 2024 (default 0.03)
//   AMPHI_ODDS_BUDGET_MS the time budget of 60 wishes' odds, median of 5 (default 100)
//   CHROMIUM             the browser (default /usr/bin/chromium)
// `amphi wishlist` runs in the repository root (it reads data/ there).

import { chromium } from './node_modules/playwright-core/index.mjs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');

const siteArg = process.argv[2];
if (!siteArg) {
  console.error('usage: node tests/browser/site.mjs SITE_DIR');
  process.exit(2);
}
const SITE = path.resolve(siteArg);
const BIN = path.resolve(ROOT, process.env.AMPHI_BIN || 'target/release/amphi');
const DA_TOLERANCE = Number(process.env.AMPHI_DA_TOLERANCE ?? '0.03');
const ODDS_BUDGET_MS = Number(process.env.AMPHI_ODDS_BUDGET_MS ?? '100');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
for (const [name, v] of [['AMPHI_DA_TOLERANCE', DA_TOLERANCE], ['AMPHI_ODDS_BUDGET_MS', ODDS_BUDGET_MS]]) {
  if (!Number.isFinite(v) || v < 0) {
    console.error(`site.mjs: ${name} is not a number >= 0`);
    process.exit(2);
  }
}

// ---- checks -------------------------------------------------------------------------------

const results = [];
function check(name, ok, detail) {
  results.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
}

// ---- the site's data, read as the page reads it ---------------------------------------------

function readData() {
  const file = path.join(SITE, 'data.js');
  if (!fs.existsSync(file)) throw new Error(`${file}: no data.js; run amphi site --out ${siteArg}`);
  const sandbox = { self: {} };
  vm.runInNewContext(fs.readFileSync(file, 'utf8'), sandbox, { filename: file });
  const data = sandbox.self.AMPHI_DATA;
  if (!data || !Array.isArray(data.posts)) throw new Error(`${file}: no self.AMPHI_DATA with posts`);
  return data;
}
const data = readData();
const DA = data.procedure === 'da';
function postCode(i) {
  const p = data.posts[i];
  return data.des[p.des].code + '@' + data.subdivisions[p.sub] + (p.cesp ? '/CESP' : '');
}
const codeIndex = new Map(data.posts.map((p, i) => [postCode(i), i]));

// The list the test builds: a search query and the post it must find. Only posts of the
// year's table are kept, and never CESP posts (the CLI would need --cesp).
const WANTED = [
  ['cardio lyon', 'MCA@Lyon'],
  ['pediatrie lyon', 'PED@Lyon'],
  ['PÉDIATRIE grenoble', 'PED@Grenoble'],
  ['anesthesie rennes', 'ARE@Rennes'],
  ['psychiatrie bordeaux', 'PSY@Bordeaux'],
  ['medecine generale lille', 'MGE@Lille'],
].filter(([, code]) => codeIndex.has(code));
// Ranks: one national rank until 2023; from 2024 a rank in each group, varied so that the
// wishes land in different places of their rankings.
const SD_RANK = 4100;
const DA_RANKS = data.groups.map((g, k) => 600 + ((k * 1237) % 4200));

// ---- a static server --------------------------------------------------------------------------

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
function serve(root) {
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- amphi wishlist -------------------------------------------------------------------------

function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k]])));
}
function runWishlist(codes) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'amphi-site-test-'));
  const args = ['wishlist', '--year', String(data.year), '--sims', String(data.sims), '--seed', String(data.seed), '--out', out];
  if (DA) data.groups.forEach((g, k) => args.push('--rank', `${g.key}=${DA_RANKS[k]}`));
  else args.push('--rank', String(SD_RANK));
  for (const c of codes) args.push('--wish', c);
  const t0 = Date.now();
  execFileSync(BIN, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const secs = (Date.now() - t0) / 1000;
  const csv = parseCsv(fs.readFileSync(path.join(out, 'wishlist.csv'), 'utf8'));
  const json = JSON.parse(fs.readFileSync(path.join(out, 'wishlist.json'), 'utf8'));
  fs.rmSync(out, { recursive: true, force: true });
  const shown = args.map((a) => (a === out ? 'DIR' : /[\s']/.test(a) ? `'${a}'` : a));
  return { csv, json, secs, command: `amphi ${shown.join(' ')}` };
}

// ---- the page -----------------------------------------------------------------------------

async function readOdds(page) {
  return page.$$eval('#odds tr[data-post], #odds tr.none', (rows) =>
    rows.map((tr) => ({
      post: tr.classList.contains('none') ? null : Number(tr.dataset.post),
      p: Number(tr.dataset.p),
      lo: Number(tr.dataset.lo),
      hi: Number(tr.dataset.hi),
      reach: tr.dataset.reach === undefined ? null : Number(tr.dataset.reach),
    })),
  );
}
async function fillRanks(page) {
  if (DA) {
    for (const [k, g] of data.groups.entries()) await page.fill(`#rank-${g.key}`, String(DA_RANKS[k]));
  } else await page.fill('#rank', String(SD_RANK));
}
async function addBySearch(page, query, code) {
  await page.fill('#search', '');
  await page.fill('#search', query);
  const want = codeIndex.get(code);
  const li = page.locator(`#results li[data-post="${want}"]`);
  if ((await li.count()) === 0) {
    const got = await page.$$eval('#results li[data-post]', (ls) => ls.map((l) => l.dataset.post));
    return `"${query}" did not list ${code} (got ${got.map((i) => postCode(Number(i))).join(', ') || 'nothing'})`;
  }
  await li.first().click();
  return null;
}
async function wishCodes(page) {
  const posts = await page.$$eval('#wishes li[data-post]', (ls) => ls.map((l) => Number(l.dataset.post)));
  return posts.map(postCode);
}

// The chance "to the CLI's printed precision": 4 decimals, as wishlist.csv writes it.
const fix4 = (x) => x.toFixed(4);

async function main() {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN}: no amphi binary (build it, or set AMPHI_BIN)`);
  const server = await serve(SITE);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, serviceWorkers: 'allow' });
  const requests = [];
  const pageErrors = [];
  context.on('request', (r) => requests.push(r.url()));
  try {
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto(base + 'index.html');
    await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    console.log(`site ${SITE}: ${data.year}, ${data.procedure}, ${data.posts.length} posts, ${data.sims} simulations, seed ${data.seed}`);

    // Ranks and the list, by search.
    await fillRanks(page);
    const missed = [];
    for (const [q, code] of WANTED) {
      const err = await addBySearch(page, q, code);
      if (err) missed.push(err);
    }
    const codes = await wishCodes(page);
    const wanted = WANTED.map(([, c]) => c);
    check(
      'search',
      missed.length === 0 && JSON.stringify(codes) === JSON.stringify(wanted) && wanted.length >= 3,
      missed.length ? missed.join('; ') : `${WANTED.map(([q, c]) => `"${q}" -> ${c}`).join(', ')}`,
    );

    // The page's odds against the CLI's.
    const odds = await readOdds(page);
    const cli = runWishlist(codes);
    console.log(`     ${cli.command} (${cli.secs.toFixed(1)} s)`);
    const pageWishes = odds.filter((o) => o.post !== null);
    const pageNone = odds.find((o) => o.post === null);
    const pairs = codes.map((c, k) => {
      const row = cli.csv.find((r) => r.post === c);
      const js = cli.json.wishes.find((w) => w.post === c);
      return { code: c, page: pageWishes[k], row, js };
    });
    const shapeOk = pageWishes.length === codes.length && pageNone && pairs.every((x) => x.row && x.js && x.page && postCode(x.page.post) === x.code);
    if (!shapeOk) {
      check('odds vs amphi wishlist', false, `the page shows ${pageWishes.length} wishes and ${pageNone ? 'a' : 'no'} none row, the CLI ${cli.csv.length}`);
    } else if (!DA) {
      // Serial dictatorship: the same seeds, the same cut-offs, the same counts.
      const bad = [];
      for (const { code, page: pg, row } of pairs) {
        for (const [what, mine, theirs] of [
          ['exactly', pg.p, row.exactly],
          ['exactly_lo', pg.lo, row.exactly_lo],
          ['exactly_hi', pg.hi, row.exactly_hi],
        ]) {
          if (fix4(mine) !== theirs) bad.push(`${code} ${what}: page ${fix4(mine)}, CLI ${theirs}`);
        }
      }
      for (const [what, mine, theirs] of [
        ['none', pageNone.p, cli.json.none.value],
        ['none lo', pageNone.lo, cli.json.none.lo],
        ['none hi', pageNone.hi, cli.json.none.hi],
      ]) {
        if (fix4(mine) !== fix4(theirs)) bad.push(`${what}: page ${fix4(mine)}, CLI ${fix4(theirs)}`);
      }
      check(
        'odds vs amphi wishlist (serial dictatorship: equal to 4 decimals)',
        bad.length === 0,
        bad.length ? bad.join('; ') : pairs.map((x) => `${x.code} ${fix4(x.page.p)}`).join(', ') + `, none ${fix4(pageNone.p)}`,
      );
      const badReach = pairs.filter((x) => fix4(x.page.reach) !== x.row.open_at_call).map((x) => `${x.code}: page ${fix4(x.page.reach)}, CLI open_at_call ${x.row.open_at_call}`);
      check('within reach vs open when called (serial dictatorship: equal to 4 decimals)', badReach.length === 0, badReach.length ? badReach.join('; ') : `${pairs.length} wishes`);
    } else {
      // Deferred acceptance: the page places me on the cut-offs of a run without me; the CLI
      // runs the procedure with me in it. They may differ by the effect of one candidate.
      const diffs = pairs.map((x) => ({ what: x.code, d: Math.abs(x.page.p - x.js.exactly.value), page: x.page.p, cli: x.js.exactly.value }));
      diffs.push({ what: 'none', d: Math.abs(pageNone.p - cli.json.none.value), page: pageNone.p, cli: cli.json.none.value });
      const worst = diffs.reduce((a, b) => (b.d > a.d ? b : a));
      check(
        `odds vs amphi wishlist (deferred acceptance: within ${DA_TOLERANCE})`,
        worst.d <= DA_TOLERANCE,
        `largest difference ${worst.d.toFixed(4)} (${worst.what}: page ${fix4(worst.page)}, CLI ${fix4(worst.cli)}); ` +
          diffs.map((x) => `${x.what} ${fix4(x.page)}/${fix4(x.cli)}`).join(', '),
      );
      const reachDiffs = pairs.map((x) => Math.abs(x.page.reach - x.js.within_reach.value));
      console.log(`     within reach, page/CLI: ${pairs.map((x) => `${x.code} ${fix4(x.page.reach)}/${fix4(x.js.within_reach.value)}`).join(', ')}; largest difference ${Math.max(...reachDiffs).toFixed(4)}`);
    }

    // French number formats, from the numbers the page holds.
    const shown = await page.$$eval('#odds tr[data-post]', (rows) => rows.map((tr) => ({ p: Number(tr.dataset.p), text: tr.querySelector('.got .pct').textContent })));
    const frBad = shown.filter((x) => x.text !== `${(100 * x.p).toFixed(1).replace('.', ',')}\u00a0%`);
    check('French formats', shown.length > 0 && frBad.length === 0, frBad.length ? `shown ${frBad.map((x) => JSON.stringify(x.text)).join(', ')}` : shown.map((x) => x.text.replace('\u00a0', ' ')).join(', '));

    // An empty rank refuses the wishes of its ranking, and says so.
    const first = codeIndex.get(codes[0]);
    const firstGroup = DA ? data.des[data.posts[first].des].group : null;
    const rankId = DA ? `#rank-${data.groups[firstGroup].key}` : '#rank';
    const kept = await page.inputValue(rankId);
    await page.fill(rankId, '');
    const refused = await page.$eval(`#odds tr[data-post="${first}"]`, (tr) => ({ p: tr.dataset.p, note: tr.querySelector('.refused')?.textContent || '' }));
    await page.fill(rankId, kept);
    const restored = await readOdds(page);
    check(
      'empty rank',
      refused.p === '0' && refused.note !== '' && JSON.stringify(restored) === JSON.stringify(odds),
      `${rankId} emptied: ${codes[0]} at ${refused.p}, "${refused.note}"; filled again, the same odds`,
    );

    // What is still open: likeliest first, and the filter keeps only what it names.
    const openRows = () => page.$$eval('#open tr[data-open]', (rows) => rows.map((tr) => ({ post: Number(tr.dataset.open), reach: Number(tr.dataset.reach) })));
    const open = await openRows();
    const sorted = open.every((r, k) => k === 0 || open[k - 1].reach >= r.reach);
    await page.fill('#open-filter', 'lyon');
    const lyon = await openRows();
    const onlyLyon = lyon.every((r) => data.subdivisions[data.posts[r.post].sub] === 'Lyon');
    await page.fill('#open-filter', '');
    check(
      'what is still open',
      open.length > 0 && sorted && lyon.length > 0 && onlyLyon && open.every((r) => r.reach > 0),
      `${open.length} rows shown, by chance ${sorted ? 'non-increasing' : 'NOT sorted'}; filter "lyon": ${lyon.length} rows${onlyLyon ? ', all in Lyon' : ', some elsewhere'}`,
    );

    // The target: three levels, the rank needed never better for a smaller chance, a curve.
    await page.selectOption('#target-post', String(codeIndex.get(codes[1])));
    const target = await page.$$eval('#target-out li[data-level]', (ls) => ls.map((l) => ({ p: Number(l.dataset.level), rank: l.dataset.rank === '' ? null : Number(l.dataset.rank) })));
    const points = await page.$eval('#target-out svg.curve polyline', (pl) => pl.getAttribute('points').trim().split(/\s+/).length).catch(() => 0);
    const ranksNeeded = target.map((l) => l.rank).filter((r) => r !== null);
    const monotone = ranksNeeded.every((r, k) => k === 0 || ranksNeeded[k - 1] >= r);
    check(
      'target',
      target.length === 3 && target.map((l) => l.p).join() === '0.5,0.8,0.95' && monotone && points >= 10,
      `${codes[1]}: ${target.map((l) => `${l.p * 100} %: ${l.rank ?? 'none'}`).join(', ')}; curve of ${points} points`,
    );

    // Persistence across a reload.
    const before = { codes, odds };
    await page.reload();
    await page.waitForSelector('body[data-ready="1"]');
    const afterCodes = await wishCodes(page);
    const rankIds = DA ? data.groups.map((g) => `#rank-${g.key}`) : ['#rank'];
    const afterRanks = [];
    for (const id of rankIds) afterRanks.push(await page.inputValue(id));
    const wantRanks = (DA ? DA_RANKS : [SD_RANK]).map(String);
    const afterOdds = await readOdds(page);
    check(
      'localStorage',
      JSON.stringify(afterCodes) === JSON.stringify(before.codes) && JSON.stringify(afterRanks) === JSON.stringify(wantRanks) && JSON.stringify(afterOdds) === JSON.stringify(before.odds),
      `after a reload: ${afterCodes.length} wishes, ranks ${afterRanks.join(' ')}`,
    );

    // The English switch.
    const headings = () => page.$$eval('h2', (hs) => hs.filter((h) => h.offsetParent !== null).map((h) => h.textContent.trim()));
    const fr = await headings();
    const langFr = await page.getAttribute('html', 'lang');
    await page.click('#lang');
    const en = await headings();
    const langEn = await page.getAttribute('html', 'lang');
    const changed = fr.filter((h, k) => h !== en[k]).length;
    await page.click('#lang');
    const back = await headings();
    check(
      'English switch',
      langFr === 'fr' && langEn === 'en' && changed === fr.length && fr.length >= 5 && JSON.stringify(back) === JSON.stringify(fr),
      `lang ${langFr} -> ${langEn}; ${changed} of ${fr.length} headings changed ("${fr[0]}" -> "${en[0]}"), back in French`,
    );

    // Export as CSV (French: BOM, `;`, decimal comma).
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const csvPath = await download.path();
    const csvText = fs.readFileSync(csvPath, 'utf8');
    const lines = csvText.replace(/^\ufeff/, '').trim().split(/\r\n/);
    const firstCells = (lines[1] || '').split(';');
    check(
      'Exporter en CSV',
      csvText.startsWith('\ufeff') && lines.length === codes.length + 2 && firstCells[1] === codes[0] && /^\d,\d{4}$/.test(firstCells[5] || ''),
      `${download.suggestedFilename()}: ${lines.length} lines, first wish ${firstCells[1]} ${firstCells[5]}`,
    );

    // Paste a list, with a bad line.
    await page.click('#paste-box summary');
    // A code, a bad line, and a full specialty name with a lowercase city.
    const third = data.posts[codeIndex.get(codes[2])];
    const pasted = [codes[1], 'zzz@Nulle-part', `${data.des[third.des].name}@${data.subdivisions[third.sub].toLowerCase()}`];
    await page.fill('#paste', pasted.join('\n'));
    await page.click('#paste-apply');
    const pastedCodes = await wishCodes(page);
    const errors = await page.$$eval('#paste-errors li.error', (ls) => ls.map((l) => ({ line: l.dataset.line, text: l.textContent })));
    check(
      'paste',
      JSON.stringify(pastedCodes) === JSON.stringify([codes[1], codes[2]]) && errors.length === 1 && errors[0].line === '2',
      `pasted ${pasted.map((l) => `"${l}"`).join(', ')}: list ${pastedCodes.join(', ')}; ${errors.length} error(s): ${errors.map((e) => e.text).join(' | ')}`,
    );

    // A phone: no horizontal scroll, with every history table open.
    await page.setViewportSize({ width: 375, height: 812 });
    for (const [q, code] of WANTED) await addBySearch(page, q, code);
    await page.$$eval('details', (ds) => ds.forEach((d) => (d.open = true)));
    await page.fill('#search', WANTED[0][0]);
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
      inner: window.innerWidth,
    }));
    const wide = await page.evaluate(() => {
      const out = [];
      for (const e of document.querySelectorAll('body *')) {
        const r = e.getBoundingClientRect();
        if (r.width > 0 && r.right > window.innerWidth + 0.5) out.push(`${e.tagName.toLowerCase()}${e.textContent ? " \"" + e.textContent.slice(0, 30) + "\"" : ""}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : ''} (${Math.round(r.right)})`);
      }
      return out.slice(0, 5);
    });
    check(
      'phone, 375 px',
      widths.scroll <= widths.inner && widths.body <= widths.inner && wide.length === 0,
      `page ${widths.scroll} px wide in a ${widths.inner} px window${wide.length ? '; too wide: ' + wide.join(', ') : ''}`,
    );
    await page.setViewportSize({ width: 1280, height: 900 });

    // The odds of 60 wishes, timed in the page.
    const timing = await page.evaluate(() => {
      const site = self.AmphiOdds.load(self.AMPHI_DATA);
      const n = self.AMPHI_DATA.posts.length;
      const wishes = [];
      for (let k = 0; wishes.length < Math.min(60, n); k++) wishes.push((k * 7919) % n);
      const ranks = self.AMPHI_DATA.procedure === 'da' ? self.AMPHI_DATA.groups.map((g, k) => 500 + k * 300) : [3000];
      const times = [];
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now();
        self.AmphiOdds.odds(site, ranks, wishes);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return { median: times[2], max: times[4], wishes: wishes.length };
    });
    check(
      `odds of ${timing.wishes} wishes under ${ODDS_BUDGET_MS} ms`,
      timing.median < ODDS_BUDGET_MS,
      `median ${timing.median.toFixed(1)} ms of 5, slowest ${timing.max.toFixed(1)} ms`,
    );

    // Offline, once loaded over http: the service worker answers.
    const swReady = await page.evaluate(async () => {
      if (!('serviceWorker' in navigator)) return false;
      await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, 10000))]);
      return !!(await navigator.serviceWorker.getRegistration());
    });
    let offlineOk = false;
    let offlineDetail = 'no service worker registered';
    if (swReady) {
      await page.waitForTimeout(300);
      await context.setOffline(true);
      try {
        await page.reload();
        await page.waitForSelector('body[data-ready="1"]', { timeout: 10000 });
        const offCodes = await wishCodes(page);
        offlineOk = offCodes.length > 0;
        offlineDetail = `reloaded offline: ready, ${offCodes.length} wishes`;
      } catch (e) {
        offlineDetail = `reloaded offline: ${String(e).split('\n')[0]}`;
      } finally {
        await context.setOffline(false);
      }
    }
    check('offline (service worker)', offlineOk, offlineDetail);

    // From the disk, without a server (no service worker there).
    const filePage = await context.newPage();
    filePage.on('pageerror', (e) => pageErrors.push(`file://: ${e}`));
    await filePage.goto(pathToFileURL(path.join(SITE, 'index.html')).href);
    let fileDetail = '';
    try {
      await filePage.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
      await filePage.fill('#search', WANTED[0][0]);
      const hits = await filePage.$$eval('#results li[data-post]', (ls) => ls.length);
      fileDetail = `ready, "${WANTED[0][0]}" lists ${hits} posts`;
      check('file://', hits > 0, fileDetail);
    } catch (e) {
      check('file://', false, String(e).split('\n')[0]);
    }
    await filePage.close();

    check('no script errors', pageErrors.length === 0, pageErrors.length ? pageErrors.slice(0, 3).join(' | ') : 'none');
  } finally {
    await browser.close();
    server.close();
  }

  // Every request, to this machine only.
  const foreign = requests.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('about:') || u.startsWith('file:')) return false;
    const inner = u.startsWith('blob:') ? u.slice(5) : u;
    let host = '';
    try {
      host = new URL(inner).hostname;
    } catch (e) {
      return true;
    }
    return host !== '127.0.0.1' && host !== 'localhost';
  });
  check(
    'requests',
    requests.length > 0 && foreign.length === 0,
    foreign.length ? `to other hosts: ${[...new Set(foreign)].slice(0, 5).join(', ')}` : `${new Set(requests).size} distinct requests, all to 127.0.0.1 or localhost`,
  );

  const failed = results.filter((r) => !r.ok).length;
  console.log(`${failed ? 'FAILED' : 'passed'}: ${results.length - failed} of ${results.length} checks`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(`site.mjs: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
