// The simulated engine in the page: it needs no isolation, a link reproduces a run exactly,
// `cores` defaults to the learner's machine and goes into the link, and Cancel works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, runAndWait, figuresOf } from './support.mjs';
import { withoutServiceWorkers } from './static-server.mjs';

let server, browser, page, errors;

before(async () => {
  server = await serve({ isolated: false });
  browser = await launch();
  // Not isolated: its service worker would isolate the page (deploy.test.mjs tests that).
  await withoutServiceWorkers(browser.context, server.url);
  ({ page, errors } = await openPage(browser.context, server.url));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function runAt(query) {
  await page.goto(`${server.url}${query}`);
  const headline = await runAndWait(page);
  return { figures: await figuresOf(page), console: await page.textContent('#console'), headline };
}

test('without isolation the simulated engine runs the race lesson, and the same link gives the same run', async () => {
  const link = '?lesson=race_counter&threads=4&increments=400000&between=call&seed=3&cores=2';
  const first = await runAt(link);
  assert.ok(Number(first.figures.lost) > 0, JSON.stringify(first.figures));
  assert.match(await page.textContent('#simulated-on'), /simulated on 2 virtual cores, seed 3/);
  assert.match(await page.textContent('#findings'), /of Python time \(simulated\)/);
  const again = await runAt(link);
  assert.deepEqual(again, first);
  assert.deepEqual(errors, []);
});

test('cores defaults to this machine and is written into the link', async () => {
  await page.goto(`${server.url}?lesson=race_counter`);
  await page.waitForSelector('#run:not([disabled])');
  const cores = await page.evaluate(() => Math.min(navigator.hardwareConcurrency, 64));
  await page.waitForFunction((c) => new URLSearchParams(location.search).get('cores') === String(c), cores);
  assert.equal(await page.inputValue('#knob-cores'), String(cores));
});

test('asking for live threads on a page that is not isolated offers the simulated engine', async () => {
  await page.goto(`${server.url}?lesson=race_counter&engine=live`);
  await page.waitForSelector('#engine-notice');
  assert.equal(await page.locator('#run[disabled]').count(), 1);
  await page.click('#use-sim');
  await page.waitForSelector('#run:not([disabled])');
  assert.match(page.url(), /lesson=race_counter/);
  assert.doesNotMatch(page.url(), /engine=live/);
});

test('Cancel ends a long simulated run with what it did so far', async () => {
  // Large, but not too large to simulate: about 120 million steps.
  await page.goto(`${server.url}?lesson=race_counter&threads=4&increments=5000000&lock=each`);
  await page.waitForSelector('#run:not([disabled])');
  await page.click('#run');
  await page.waitForSelector('#run-progress');
  await page.waitForTimeout(300);
  await page.click('#cancel');
  await page.waitForSelector('#findings', { timeout: 5_000 });
  assert.match(await page.textContent('#findings'), /Cancelled before the end/);
  // The next run works.
  const { figures } = await runAt('?lesson=race_counter&threads=2&increments=1000&lock=each');
  assert.equal(figures.lost, 0);
});
