// Step, replay and explore in headless Chromium: the learner steps the race with two
// threads to a lost update by choosing who runs; the link with its schedule replays the
// same interleaving; "Find a breaking schedule" finds one for the free-threaded race and
// the naive philosophers, and none within the bound once a lock guards each increment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, runAndWait, figuresOf } from './support.mjs';

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

const RACE = '?lesson=race_counter&threads=2&increments=1&gil=off&cores=2';

/** A stepper row's state and next operation. */
const row = async (actor) => {
  const tr = page.locator(`#stepper-actors tr[data-actor="${actor}"]`);
  return { state: await tr.getAttribute('data-state'), next: await tr.getAttribute('data-next') };
};

/** Clicks a button and waits until the stepper has taken the turn. */
async function move(selector) {
  const before = await page.getAttribute('#stepper', 'data-turns');
  await page.click(selector);
  await page.waitForFunction((b) => document.querySelector('#stepper').dataset.turns !== b, before);
}

/** Moves with `selector` until `actor` is ready with `next` as its next operation. When
 * `selector` cannot move (its thread is starting, or waits for a core), time passes, or
 * another thread than `held` takes the turn. */
async function until(actor, next, selector, held = null) {
  for (let i = 0; i < 200; i++) {
    const r = await row(actor);
    if (r.state === 'Ready' && r.next === next) return;
    let target = selector;
    if (await page.isDisabled(target)) {
      const others = ['#step-wait', '#step-actor-0', '#step-actor-1', '#step-actor-2'].filter((s) => s !== `#step-actor-${held}`);
      const enabled = [];
      for (const other of others) if (!(await page.isDisabled(other))) enabled.push(other);
      assert.ok(enabled.length > 0, 'nothing can move');
      target = enabled[0];
    }
    await move(target);
  }
  assert.fail(`thread ${actor} never reached ${next}`);
}

async function openLesson(query) {
  await page.goto(server.url + query);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
}

async function toTheEnd() {
  await page.click('#step-end');
  await page.waitForSelector('#stepper[data-over="true"]', { timeout: 60_000 });
  await page.waitForSelector('#findings');
}

test('stepping the race with two threads to a lost update, by choosing who runs', async () => {
  await openLesson(RACE);
  await page.click('#open-stepper');
  await page.waitForSelector('#stepper');
  // Thread-1 about to read; then Thread-2 reads, adds and writes before Thread-1 writes.
  await until(1, 'r0 = counter', '#step');
  await move('#step-actor-1');
  assert.equal((await row(1)).next, 'r0 += 1');
  await until(2, 'r0 = counter', '#step-actor-2', 1);
  for (const next of ['r0 = counter', 'r0 += 1', 'counter = r0']) {
    assert.equal((await row(2)).next, next);
    await move('#step-actor-2');
  }
  // The code view marks where each thread is.
  assert.match(await page.textContent('#code'), /◀ .*Thread-1/);
  await toTheEnd();
  assert.equal((await figuresOf(page)).lost, 1);
  assert.equal((await page.textContent('#stepper #console')).trim(), 'counter = 1 (expected 2)');
  const schedule = await page.getAttribute('#stepper', 'data-schedule');
  assert.ok(schedule.length > 0);
  const link = page.url();
  assert.ok(link.includes(`schedule=${schedule}`), link);

  // The shared link reopens the same interleaving: a plain Run replays it...
  await openLesson(link.slice(server.url.length));
  assert.equal(await page.locator('#link-notes').count(), 0);
  await runAndWait(page);
  assert.equal((await figuresOf(page)).lost, 1);
  assert.equal((await page.textContent('#console')).trim(), 'counter = 1 (expected 2)');
  // ...and so does the stepper, turn for turn.
  await page.click('#open-stepper');
  await toTheEnd();
  assert.equal((await figuresOf(page)).lost, 1);
  // Without the schedule, the engine's own interleaving of this run loses nothing.
  await openLesson(RACE);
  await runAndWait(page);
  assert.equal((await figuresOf(page)).lost, 0);
  assert.deepEqual(errors, []);
});

test('a schedule that is malformed or does not fit gets a clear note, and the page goes on', async () => {
  await openLesson(`${RACE}&schedule=4t`);
  assert.match(await page.textContent('#link-notes'), /schedule=4t is not a schedule/);
  await runAndWait(page);
  assert.equal((await figuresOf(page)).lost, 0);
  await openLesson(`${RACE}&schedule=0t9`);
  await page.click('#run');
  await page.waitForSelector('#run-failed');
  assert.match(await page.textContent('#run-failed'), /does not fit this lesson and knobs: at turn 0, it names thread 9/);
  await page.click('#open-stepper');
  await page.click('#step');
  await page.waitForSelector('#stepper-error');
  assert.match(await page.textContent('#stepper-error'), /at turn 0, it names thread 9/);
  await page.click('#step-close');
  // Another knob value drops the schedule that fit nothing; the next run works.
  await page.selectOption('#knob-gil', 'on');
  assert.ok(!page.url().includes('schedule='), page.url());
  await runAndWait(page);
  assert.equal((await figuresOf(page)).lost, 0);
  assert.deepEqual(errors, []);
});

/** Clicks an explore button and waits for the result; returns its data. */
async function explore(button) {
  await page.waitForSelector(`${button}:not([disabled])`, { timeout: 30_000 });
  await page.click(button);
  await page.waitForSelector('#explore-result', { timeout: 120_000 });
  const result = page.locator('#explore-result');
  return {
    runs: Number(await result.getAttribute('data-runs')),
    broke: Number(await result.getAttribute('data-broke')),
    complete: (await result.getAttribute('data-complete')) === 'true',
    found: await page.locator('#explore-found').count(),
  };
}

test('finding a breaking schedule: the free-threaded race and the naive philosophers break, a lock per increment does not', async () => {
  await openLesson('?lesson=race_counter&threads=2&increments=3&gil=off&cores=2');
  const race = await explore('#explore-find');
  assert.equal(race.found, 1, JSON.stringify(race));
  const value = Number(await page.getAttribute('#explore-found', 'data-value'));
  assert.ok(value > 0);
  // Opened in the stepper, the found run loses the same updates.
  await page.click('#explore-open');
  await page.waitForSelector('#stepper');
  await toTheEnd();
  assert.equal((await figuresOf(page)).lost, value);
  await page.click('#step-close');

  await openLesson('?lesson=race_counter&threads=2&increments=3&gil=off&cores=2&lock=each');
  // Each seed's tree of schedules with two picks is about 300 runs: ten seeds fit the
  // page's 5 000, the default twenty do not.
  await page.waitForSelector('#explore-seeds:not([disabled])', { timeout: 30_000 });
  await page.fill('#explore-seeds', '10');
  await page.locator('#explore-seeds').dispatchEvent('change');
  const locked = await explore('#explore-find');
  assert.equal(locked.found, 0);
  assert.equal(locked.broke, 0);
  assert.ok(locked.complete && locked.runs > 20, JSON.stringify(locked));
  assert.match(await page.textContent('#explore-result'), /nothing broke\. Every schedule within the bound was run/);

  await openLesson('?lesson=dining_philosophers&philosophers=3&duration_s=1&cores=2');
  const philosophers = await explore('#explore-find');
  assert.equal(philosophers.found, 1);
  await page.click('#explore-open');
  await toTheEnd();
  assert.match(await page.textContent('#headline'), /^Deadlock/);
  assert.equal(await page.locator('#wait-graph line.cycle').count(), 6);
  assert.deepEqual(errors, []);
});

test('exploring over seeds shows a histogram and Cancel stops it', async () => {
  await openLesson('?lesson=race_counter&threads=2&increments=2000&gil=off&cores=2');
  await page.fill('#explore-seeds', '0');
  await page.locator('#explore-seeds').dispatchEvent('change');
  assert.match(await page.textContent('#explore-notes'), /Seeds `?0`?: a whole number from 1 to 100000 is allowed; using 1/);
  await page.fill('#explore-seeds', '30');
  await page.locator('#explore-seeds').dispatchEvent('change');
  await page.selectOption('#explore-picks', '0');
  const seeds = await explore('#explore-run');
  assert.equal(seeds.runs, 30);
  const counted = await page.locator('#explore-histogram tbody tr').evaluateAll((rows) =>
    rows.reduce((sum, r) => sum + Number(r.dataset.runs), 0),
  );
  assert.equal(counted, 30);
  // The other figures too: the final counter's values over the same runs.
  await page.selectOption('#explore-figure', 'counter');
  const counters = await page.locator('#explore-histogram tbody tr').evaluateAll((rows) => rows.map((r) => [r.dataset.value, Number(r.dataset.runs)]));
  assert.equal(counters.reduce((sum, [, n]) => sum + n, 0), 30);
  assert.ok(counters.every(([v]) => v.split('..').every((x) => Number(x) <= 4000)), JSON.stringify(counters));
  // A long exploration: Cancel ends it with what it had.
  await openLesson('?lesson=race_counter&threads=2&increments=3000&gil=off&cores=2');
  await page.click('#explore-run');
  await page.waitForSelector('#explore-progress');
  await page.click('#explore-cancel');
  await page.waitForSelector('#explore-result', { timeout: 10_000 });
  assert.match(await page.textContent('#explore-result'), /Cancelled before the end/);
  await runAndWait(page);
  assert.deepEqual(errors, []);
});
