// The dining philosophers on real threads in headless Chromium: fifty naive runs in a row
// each end in a deadlock with its cycle shown and every worker freed, the run after them
// completes, and the page's memory does not grow run over run beyond a small bound.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, runAndWait } from './support.mjs';

let server, browser, page, errors;

before(async () => {
  server = await serve({ isolated: true });
  browser = await launch();
  ({ page, errors } = await openPage(browser.context, server.url));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const RUNS = 50;

const runOnce = () => runAndWait(page, 30_000);

test(`${RUNS} naive runs in a row deadlock, show the cycle, and free the workers; the next run completes`, async () => {
  // A deadlock needs the philosophers to start within `gap_ms` of each other; on a machine
  // busy with other tests a thread's start now and then takes longer than the default 10 ms.
  await page.goto(`${server.url}?lesson=dining_philosophers&engine=live&strategy=naive&gap_ms=100`);
  const memory = [];
  const started = Date.now();
  for (let i = 0; i < RUNS; i++) {
    const headline = await runOnce();
    assert.match(headline, /^Deadlock: 5 philosophers wait for each other in a cycle/, `run ${i + 1}`);
    const cycle = await page.locator('#wait-for li').allTextContents();
    assert.equal(cycle.length, 5, `run ${i + 1}: ${cycle}`);
    assert.ok(cycle.every((l) => /Thread-\d \(philosopher\) waits for forks\[\d\]/.test(l)), cycle.join(' | '));
    if (i === 0) {
      // Drawn too: five philosophers and five forks in a ring of ten red arrows.
      assert.equal(await page.locator('#wait-graph circle.thread').count(), 5);
      assert.equal(await page.locator('#wait-graph rect.object').count(), 5);
      assert.equal(await page.locator('#wait-graph line.cycle').count(), 10);
    }
    if (i === 9 || i === RUNS - 1) memory.push(await page.evaluate(() => window.__interleave.memoryBytes()));
  }
  const perRun = (Date.now() - started) / RUNS;
  // Every pool thread was freed each time: a run that needs all five philosophers at once
  // and a fork order that cannot deadlock goes to the end.
  await page.goto(`${server.url}?lesson=dining_philosophers&engine=live&strategy=ordered&duration_s=1`);
  assert.match(await runOnce(), /^No deadlock: \d+ meals/);
  const grown = memory[1] - memory[0];
  console.log(`# ${RUNS} deadlocked runs, ${perRun.toFixed(0)} ms each; page wasm memory after run 10: ${(memory[0] / 2 ** 20).toFixed(1)} MiB, after run ${RUNS}: ${(memory[1] / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(grown <= 4 * 2 ** 20, `the page's memory grew ${grown} bytes over ${RUNS - 10} runs`);
  assert.deepEqual(errors, []);
});

test('a panic inside a running thread is reported, the worker restarts, and the next run works', async () => {
  await page.goto(`${server.url}?lesson=race_counter&engine=live&threads=2&increments=1000&test_panic=yes`);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
  const before = errors.length;
  await page.click('#run');
  await page.waitForSelector('#worker-restarted', { timeout: 20_000 });
  assert.match(await page.textContent('#worker-restarted'), /panicked/);
  // The same lesson without the fault, on the restarted worker.
  await page.goto(`${server.url}?lesson=race_counter&engine=live&threads=2&increments=1000`);
  assert.match(await runOnce(), /No update lost/);
  assert.deepEqual(errors.slice(before).filter((e) => !/panic|unreachable/i.test(e)), []);
});
