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

test('Download trace writes the run as a Chrome trace: nested slices per thread, a GIL track, an arrow per message', async () => {
  await runAt('?lesson=pipe&messages=3&seed=2');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#trace-download')]);
  assert.match(download.suggestedFilename(), /^interleave-run-\d+\.trace\.json$/);
  const text = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  const { traceEvents: events, otherData } = JSON.parse(text);
  assert.equal(otherData.seed, '2');
  assert.equal(otherData.knobs.messages, '3');
  // Every track's slices nest (in whole nanoseconds, as a viewer reads them).
  const tracks = new Map();
  for (const e of events.filter((e) => e.ph === 'X')) {
    const key = `${e.pid}/${e.tid}`;
    const start = Math.round(e.ts * 1000);
    tracks.set(key, [...(tracks.get(key) ?? []), [start, start + Math.round(e.dur * 1000)]]);
  }
  assert.ok(tracks.size >= 4, [...tracks.keys()].join(' '));
  for (const [key, slices] of tracks) {
    slices.sort((a, b) => a[0] - b[0]);
    const open = [];
    for (const [start, end] of slices) {
      while (open.length && open.at(-1) <= start) open.pop();
      assert.ok(!open.length || end <= open.at(-1), `${key}: a slice crosses the one it starts in`);
      open.push(end);
    }
  }
  const gils = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args.name === 'GIL');
  assert.equal(gils.length, 3, 'a GIL track in the parent and in each child');
  const ids = (ph) => events.filter((e) => e.ph === ph).map((e) => e.id).sort();
  assert.equal(ids('s').length, 4, 'three messages there and `thanks` back');
  assert.deepEqual(ids('s'), ids('f'));
  assert.deepEqual(errors, []);
});

test('Download results writes the run as the command line does, and the timeline downloads as SVG', async () => {
  const { figures } = await runAt('?lesson=race_counter&threads=3&increments=20000&seed=4');
  const read = async (button) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const text = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
    return { name: download.suggestedFilename(), text };
  };
  const results = await read('#results-download');
  assert.match(results.name, /^interleave-run-\d+\.json$/);
  const json = JSON.parse(results.text);
  assert.equal(json.lesson, 'race_counter');
  assert.equal(json.engine, 'sim');
  assert.equal(json.seed, 4);
  assert.equal(json.knobs.threads, '3');
  assert.equal(json.outcome, 'completed');
  assert.deepEqual(json.findings.figures, figures, 'the figures the page shows');
  const timeline = await read('#timeline-download');
  assert.match(timeline.name, /^interleave-run-\d+\.timeline\.svg$/);
  assert.match(timeline.text, /^<\?xml/);
  // A well-formed SVG document, one lane per thread, the page's colours written in (parsed
  // in a blank page: the app's own forbids the file's inline style, as it should).
  const blank = await browser.context.newPage();
  const lanes = await blank.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    if (doc.querySelector('parsererror')) return -1;
    return doc.querySelectorAll('g.lane').length;
  }, timeline.text);
  await blank.close();
  assert.ok(lanes >= 4, `lanes: ${lanes}`);
  assert.match(timeline.text, /<style>:root\{--soft:/);
  assert.deepEqual(errors, []);
});
