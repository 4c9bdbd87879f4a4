// Browser benchmark (prints figures, passes or fails nothing): the pool check's speed-ups
// through the page, gzip size of every wasm and JS file, time to first render, and the
// longest main-thread task while the pool is busy (goal: none over 50 ms).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { serve, launch, openPage, DIST } from './support.mjs';

const ROUNDS = 3;

async function files(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else if (/\.(wasm|js)$/.test(entry.name)) out.push(path);
  }
  return out;
}

console.log('gzip sizes:');
for (const file of await files(DIST)) {
  const body = await readFile(file);
  console.log(`  ${file.slice(DIST.length + 1).padEnd(70)} ${(body.length / 1024).toFixed(1).padStart(8)} KiB raw ${(gzipSync(body).length / 1024).toFixed(1).padStart(7)} KiB gzip`);
}

const server = await serve({ isolated: true });
const browser = await launch();
try {
  // Observers installed before the page's own scripts run.
  await browser.context.addInitScript(() => {
    window.__bench = { longTasks: [], firstRender: null };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    new MutationObserver((_, observer) => {
      if (document.querySelector('#lesson-index')) {
        window.__bench.firstRender = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });

  const renders = [];
  for (let i = 0; i < ROUNDS; i++) {
    const { page } = await openPage(browser.context, server.url);
    await page.waitForSelector('#lesson-index');
    renders.push(await page.evaluate(() => window.__bench.firstRender));
    await page.close();
  }
  console.log(`time to first render: ${renders.map((r) => r.toFixed(0)).join(', ')} ms (median ${renders.sort((a, b) => a - b)[1].toFixed(0)} ms)`);

  const { page } = await openPage(browser.context, server.url);
  await page.waitForSelector('#worker-status.ready', { timeout: 30_000 });
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const best = new Map();
  let longest = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const checkStart = await page.evaluate(() => performance.now());
    await page.click('#probe-run');
    await page.waitForSelector('#probe-progress');
    await page.waitForSelector('#probe-run:not([disabled])', { timeout: 120_000 });
    const rows = await page.$$eval('#probe-results tbody tr', (trs) => trs.map((tr) => [Number(tr.dataset.jobs), Number(tr.dataset.wallNs)]));
    for (const [jobs, wall] of rows) best.set(jobs, Math.min(best.get(jobs) ?? Infinity, wall));
    const tasks = await page.evaluate((since) => window.__bench.longTasks.filter((t) => t.start >= since), checkStart);
    longest = Math.max(longest, ...tasks.map((t) => t.duration), 0);
  }
  console.log(`browser pool speed-up (the page's pool check, best of ${ROUNDS}, ${cores} cores):`);
  const one = best.get(1);
  for (const [jobs, wall] of [...best.entries()].sort((a, b) => a[0] - b[0])) {
    console.log(`  ${String(jobs).padStart(2)} threads: ${(wall / 1e6).toFixed(1).padStart(8)} ms  speed-up ${(one / wall).toFixed(2)}x  (goal >= ${(0.9 * Math.min(jobs, cores)).toFixed(2)}x)`);
  }
  console.log(`longest main-thread task while the pool was busy: ${longest.toFixed(0)} ms (goal: none over 50 ms; 0 means no task over 50 ms was reported)`);

  // The race lesson in the page: wall time per lock placement and GIL setting, and the
  // main thread's longest task during each run.
  console.log('race_counter in the browser, 4 threads x 1 000 000 increments (live engine):');
  console.log(`  ${'lock'.padEnd(6)} ${'gil'.padEnd(4)} ${'wall ms'.padStart(10)} ${'lost'.padStart(10)} ${'hand-offs'.padStart(9)} ${'longest task ms'.padStart(16)}`);
  for (const lock of ['none', 'each', 'loop']) {
    for (const gil of ['off', 'on']) {
      await page.goto(`${server.url}?lesson=race_counter&engine=live&threads=4&increments=1000000&lock=${lock}&gil=${gil}`);
      await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
      const since = await page.evaluate(() => performance.now());
      await page.click('#run');
      await page.waitForSelector('#findings', { timeout: 120_000 });
      const trace = JSON.parse(await page.evaluate(() => window.__interleave.lastRun()));
      const figures = Object.fromEntries((await page.getAttribute('#findings', 'data-figures')).split(';').map((p) => p.split('=')));
      const tasks = await page.evaluate((t) => window.__bench.longTasks.filter((x) => x.start >= t).map((x) => x.duration), since);
      const longestTask = Math.max(0, ...tasks);
      console.log(`  ${lock.padEnd(6)} ${gil.padEnd(4)} ${(trace.wall_ns / 1e6).toFixed(1).padStart(10)} ${figures.lost.padStart(10)} ${String(trace.gil_handoffs[0] ?? 0).padStart(9)} ${longestTask.toFixed(0).padStart(16)}`);
    }
  }
  console.log('  (longest task 0: no main-thread task over 50 ms during the run)');

  // The simulated engine in the engine worker: operations per second (goal >= 2 M/s).
  console.log('simulated engine in the browser, race_counter defaults (4 x 1 000 000 increments):');
  for (const [label, knobs] of [['gil on, bare increment', ''], ['gil on, call between', '&between=call'], ['gil off, lock each', '&gil=off&lock=each']]) {
    await page.goto(`${server.url}?lesson=race_counter&engine=sim${knobs}`);
    await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
    const started = await page.evaluate(() => performance.now());
    await page.click('#run');
    await page.waitForSelector('#findings', { timeout: 120_000 });
    const seconds = (await page.evaluate(() => performance.now()) - started) / 1000;
    const trace = JSON.parse(await page.evaluate(() => window.__interleave.lastRun()));
    console.log(`  ${label.padEnd(24)} ${String(trace.ops).padStart(10)} ops in ${(seconds * 1000).toFixed(0).padStart(6)} ms: ${(trace.ops / seconds / 1e6).toFixed(1).padStart(6)} M ops/s (goal >= 2, page round trip included)`);
  }
} finally {
  await browser.close();
  await server.close();
}
