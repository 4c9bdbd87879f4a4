// Sweeping a knob: the gil lesson's workers 1-8 in threads and processes draw a curve each
// with its spread, Cancel mid-sweep keeps the runs so far, the CSV has a row per run, and
// the pool lesson's time against its pool size is one use of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, openPage } from './support.mjs';
import { withoutServiceWorkers } from './static-server.mjs';

let server, browser, page, errors;

before(async () => {
  server = await serve({ isolated: false });
  browser = await launch();
  await withoutServiceWorkers(browser.context, server.url);
  ({ page, errors } = await openPage(browser.context, server.url));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Fills the sweep form and presses Plot. */
async function sweep({ knob, values, series = '', seeds }) {
  await page.waitForSelector('#sweep-start:not([disabled])', { timeout: 30_000 });
  await page.selectOption('#sweep-knob', knob);
  await page.fill('#sweep-values', values);
  await page.selectOption('#sweep-series', series);
  await page.fill('#sweep-seeds', String(seeds));
  await page.click('#sweep-start');
}

/** The shown plot's point titles. */
const titles = (figure) => page.$$eval(`#sweep-result figure[data-figure="${figure}"] title`, (t) => t.map((e) => e.textContent));

test('workers 1-8 of the gil lesson in threads and processes: a curve each (serial work has no speed-up), with the spread of the seeds', async () => {
  await page.goto(`${server.url}?lesson=gil&work=cpu&cores=4`);
  await sweep({ knob: 'workers', values: '1-8', series: 'mode', seeds: 2 });
  await page.waitForSelector('#sweep-result', { timeout: 120_000 });
  assert.match(await page.textContent('#sweep-count'), /48 \/ 48/);
  // The speed-up is shown first: a curve for each mode, a spread bar at each point.
  const shown = await page.$eval('#sweep-result figure:not([hidden])', (f) => f.dataset.figure);
  assert.equal(shown, 'speedup');
  assert.equal(await page.locator('#sweep-result figure[data-figure="speedup"] polyline').count(), 2);
  assert.equal(await page.locator('#sweep-result figure[data-figure="speedup"] line.spread').count(), 16);
  const legend = await page.$$eval('#sweep-result figure[data-figure="speedup"] text.legend', (t) => t.map((e) => e.textContent));
  assert.deepEqual(legend, ['threads', 'processes']);
  const speedup = (mode, workers) => {
    const title = points.find((t) => t.startsWith(`${mode}, workers ${workers}:`));
    return Number(title.match(/speedup ([\d.]+)/)[1]);
  };
  const points = await titles('speedup');
  assert.ok(speedup('threads', 4) < 1.3, `threads: ${speedup('threads', 4)}`);
  assert.ok(speedup('processes', 4) > 2.5, `processes: ${speedup('processes', 4)}`);
  // Another figure from the menu.
  await page.selectOption('#sweep-figure', 'python_ms');
  assert.equal(await page.$eval('#sweep-result figure:not([hidden])', (f) => f.dataset.figure), 'python_ms');
  // The CSV: a row per run.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#sweep-csv')]);
  const csv = await readFile(await download.path(), 'utf8');
  assert.match(csv, /^mode,workers,seed,python_us,/);
  assert.equal(csv.trim().split('\n').length, 49);
  assert.deepEqual(errors, []);
});

test('Cancel mid-sweep keeps the runs so far, drawn', async () => {
  await page.goto(`${server.url}?lesson=gil&work=cpu&size=5000`);
  await sweep({ knob: 'workers', values: '1-8', series: 'mode', seeds: 10 });
  await page.waitForFunction(() => /^[1-9]\d* \//.test(document.querySelector('#sweep-progress')?.textContent ?? ''), null, { timeout: 60_000 });
  await page.click('#sweep-cancel');
  await page.waitForSelector('#sweep-result', { timeout: 30_000 });
  const [ran, planned] = (await page.textContent('#sweep-count')).match(/\d+/g).map(Number);
  assert.equal(planned, 240);
  assert.ok(ran >= 1 && ran < planned, `${ran} of ${planned}`);
  assert.ok(await page.locator('#sweep-result figure polyline').count() > 0);
  // The next sweep works, and a bad one is refused by name.
  await sweep({ knob: 'workers', values: '0-3', seeds: 1 });
  await page.waitForSelector('#sweep-failed');
  assert.match(await page.textContent('#sweep-failed'), /workers/);
  assert.deepEqual(errors, []);
});

test('the pool lesson: time against pool size, one use of the sweep', async () => {
  await page.goto(`${server.url}?lesson=pool_map&lang=ko`);
  await sweep({ knob: 'pool_size', values: '1-5', seeds: 1 });
  await page.waitForSelector('#sweep-result', { timeout: 120_000 });
  await page.selectOption('#sweep-figure', 'python_ms');
  const points = await titles('python_ms');
  // Pool(2): chunks of ceil(10 / 8) = 2, five chunks, three on one worker: 6 s; Pool(5): 2 s.
  const ms = (size) => Number(points.find((t) => t.startsWith(`pool_size ${size}:`)).match(/python_ms ([\d.]+)/)[1]);
  assert.ok(ms(2) > 5900 && ms(2) < 6300, `pool 2: ${ms(2)}`);
  assert.ok(ms(5) > 1900 && ms(5) < 2300, `pool 5: ${ms(5)}`);
  assert.match(await page.textContent('#sweep-heading'), /그려 보기/);
  assert.deepEqual(errors, []);
});
