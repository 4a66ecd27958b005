// Prints the report of `amphi compare` on A4 in headless Chromium and checks the print
// stylesheet: at most MAX_PAGES pages, the raw JSON of the models left out, and the heat table
// (DES x subdivision) within the width of the page, none of its numbers cut.
//
// Usage, from the repository root, after `cd tests/browser && npm ci`:
//   amphi compare --out amphi-out/compare
//   node tests/browser/report.mjs amphi-out/compare/report.html [out.pdf]
// It prints the page count (and writes the PDF when a second path is given); it exits with 1
// and says why when a check fails.

import { chromium } from './node_modules/playwright-core/index.mjs';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// Every scenario of data/scenarios (44 DES, 28 subdivisions) prints on 7 pages, in French and
// in English (measured with Debian's chromium 2026-11). Without the print stylesheet the
// default report took 45 pages, most of them the model's JSON; one page of slack is left for
// a longer scenario description or more warnings, not for the JSON to come back.
const MAX_PAGES = 8;
// A4, in CSS pixels (96 per inch).
const MM = 96 / 25.4;
const A4_WIDTH_MM = 210;

const [report, pdfOut] = process.argv.slice(2);
if (!report) {
  console.error('usage: node tests/browser/report.mjs REPORT.html [OUT.pdf]');
  process.exit(2);
}

const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(resolve(report)).href);
  await page.emulateMedia({ media: 'print' });

  // The printable width: A4 less the left and right margins of the report's @page rule.
  const margins = await page.evaluate(() => {
    for (const sheet of document.styleSheets) {
      for (const rule of sheet.cssRules) {
        if (rule instanceof CSSPageRule) {
          return [rule.style.marginLeft, rule.style.marginRight, rule.style.size];
        }
      }
    }
    return null;
  });
  check(margins !== null, 'the report has no @page rule');
  const mm = (v) => {
    const m = /^([\d.]+)mm$/.exec(v ?? '');
    return m ? Number(m[1]) : NaN;
  };
  const [left, right, size] = margins ?? ['0mm', '0mm', 'A4'];
  check(/^a4$/i.test(size ?? ''), `@page size is ${size}, not A4`);
  check(Number.isFinite(mm(left)) && Number.isFinite(mm(right)),
    `@page margins ${left} / ${right} are not in mm`);
  // Without margins in mm, measure against the whole sheet (what page.pdf uses by default).
  const margin = (v) => (Number.isFinite(mm(v)) ? mm(v) : 0);
  const printable = (A4_WIDTH_MM - margin(left) - margin(right)) * MM;
  // Lay the page out at the printed width, in print media.
  await page.setViewportSize({ width: Math.floor(printable), height: 1100 });

  const json = await page.evaluate(() =>
    [...document.querySelectorAll('.json')].map((e) => getComputedStyle(e).display));
  check(json.length > 0, 'no JSON block (.json) in the report');
  check(json.every((d) => d === 'none'), `JSON blocks shown in print: display ${json.join(', ')}`);
  const pres = await page.evaluate(() =>
    [...document.querySelectorAll('pre')]
      .filter((e) => e.offsetParent !== null && e.textContent.trim().startsWith('{'))
      .length);
  check(pres === 0, `${pres} block(s) of raw JSON visible in print`);

  const heat = await page.evaluate(() => {
    const table = document.querySelector('table.heat');
    if (!table) return null;
    const box = table.getBoundingClientRect();
    const cells = [...table.querySelectorAll('tr > :last-child')];
    const right = Math.max(box.right, ...cells.map((c) => c.getBoundingClientRect().right));
    const columns = table.querySelector('tr').children.length;
    // A cell narrower than its number would hide part of it.
    const clipped = [...table.querySelectorAll('td')]
      .filter((c) => c.scrollWidth > c.clientWidth + 1)
      .map((c) => c.textContent);
    return { right, columns, clipped };
  });
  check(heat !== null, 'no heat table (table.heat) in the report');
  if (heat) {
    check(heat.right <= printable + 0.5,
      `the heat table's right edge is at ${heat.right.toFixed(1)} px, beyond the printable ` +
      `width ${printable.toFixed(1)} px`);
    check(heat.clipped.length === 0,
      `${heat.clipped.length} cell(s) of the heat table too narrow for their number: ` +
      heat.clipped.slice(0, 5).join(' '));
  }

  const pdf = await page.pdf({ format: 'A4' });
  if (pdfOut) writeFileSync(pdfOut, pdf);
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
  console.log(`${report}: ${pages} pages on A4 (at most ${MAX_PAGES}); heat table ` +
    `${heat ? `${heat.columns} columns, right edge ${heat.right.toFixed(1)} px of ` +
    `${printable.toFixed(1)} px` : 'missing'}; ${json.length} JSON block(s) hidden in print`);
  check(pages > 0, 'no page found in the PDF');
  check(pages <= MAX_PAGES, `${pages} pages, more than ${MAX_PAGES}`);
} finally {
  await browser.close();
}

if (failures.length > 0) {
  for (const f of failures) console.error(`report.mjs: ${f}`);
  process.exit(1);
}
