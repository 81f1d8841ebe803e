// Opens a c2audit HTML report in Debian's headless Chromium and checks it
// against the JSON report of the same trail and filters:
//   node report_check.mjs REPORT.html REPORT.json
// Exits 0 when the page rendered with no console error, no script ran, and
// every chart's bars add up to the JSON's counts; else prints why, exits 1.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [htmlPath, jsonPath] = process.argv.slice(2);
const report = JSON.parse(readFileSync(jsonPath, 'utf8'));
const failures = [];
const expect = (ok, what) => { if (!ok) failures.push(what); };

// Flags the machine's closed network needs (no background fetches).
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  page.on('dialog', (dialog) => { consoleErrors.push(`dialog: ${dialog.message()}`); dialog.dismiss(); });
  await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });

  expect(consoleErrors.length === 0, `console errors: ${consoleErrors.join(' | ')}`);
  expect(await page.evaluate(() => window.__pwned === undefined), 'a script from the trail ran');
  expect(await page.locator('script').count() === 0, 'the page holds a script element');

  // The sum of a chart's bars (each carries its count in data-value).
  const sum = (chart) => page.$$eval(`figure[data-chart="${chart}"] rect.bar`,
    (bars) => bars.reduce((total, bar) => total + Number(bar.dataset.value), 0));
  const bars = (chart) => page.locator(`figure[data-chart="${chart}"] rect.bar`).count();
  const visible = async (chart) => {
    const box = await page.locator(`figure[data-chart="${chart}"] svg`).boundingBox();
    return box !== null && box.width > 100 && box.height > 50;
  };

  for (const chart of ['records-by-class', 'failures', 'lost', 'top-users']) {
    expect(await visible(chart), `chart ${chart} is not drawn at a visible size`);
  }
  expect(await bars('records-by-class') > 0, 'records-by-class has no bars');
  expect(await sum('records-by-class') === report.records,
    `records-by-class adds up to ${await sum('records-by-class')}, the report has ${report.records}`);
  const seriesFailures = report.series.buckets.reduce((total, b) => total + b.failures, 0);
  expect(await sum('failures') === seriesFailures && seriesFailures > 0,
    `failures chart adds up to ${await sum('failures')}, the series to ${seriesFailures}`);
  expect(await sum('lost') === report.lost_events && report.lost_events > 0,
    `lost chart adds up to ${await sum('lost')}, the report has ${report.lost_events}`);
  const topUsers = report.tables.users.rows.reduce((total, row) => total + row.records, 0);
  expect(await sum('top-users') === topUsers && topUsers > 0,
    `top-users chart adds up to ${await sum('top-users')}, the table to ${topUsers}`);

  // Tables: as many rows as the JSON's, and hostile keys shown as text.
  for (const [id, table] of Object.entries(report.tables)) {
    const rows = await page.locator(`section#${id} tbody tr`).count();
    expect(rows === table.rows.length, `table ${id} has ${rows} rows, the JSON ${table.rows.length}`);
  }
  const pageText = await page.locator('body').innerText();
  for (const row of report.tables.users.rows) {
    expect(pageText.includes(row.key), `user ${row.key} is not shown as text`);
  }
  const notices = await page.locator('section#notices tbody tr').count();
  expect(notices === report.notices.length, `${notices} notice rows, the JSON has ${report.notices.length}`);
  await page.screenshot({ path: htmlPath.replace(/\.html$/, '.png'), fullPage: true });
} finally {
  await browser.close();
}

if (failures.length) {
  for (const failure of failures) console.error(`report_check: ${failure}`);
  process.exit(1);
}
console.log('report_check: rendered, no console error, no script ran, charts match the JSON');
