// The race-condition lesson end to end on real threads in headless Chromium:
// `?lesson=race_counter&engine=live` with 4 threads × 1 000 000 increments.
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

const BASE = 'lesson=race_counter&engine=live&threads=4';

/** Opens the lesson with the given knobs, runs it, and returns its figures and trace. */
async function run(knobs) {
  const increments = /increments=/.test(knobs) ? '' : '&increments=1000000';
  await page.goto(`${server.url}?${BASE}${increments}&${knobs}`);
  const headline = await runAndWait(page);
  const trace = JSON.parse(await page.evaluate(() => window.__interleave.lastRun()));
  return { figures: await figuresOf(page), trace, headline };
}

test('without the GIL and without a lock, updates are lost, on threads that really overlap', async () => {
  const { figures, trace, headline } = await run('gil=off&lock=none');
  assert.equal(figures.expected, 4_000_000);
  assert.ok(figures.lost > 0, `nothing lost: ${JSON.stringify(figures)}`);
  assert.match(headline, /^Lost [\d\s]+ of 4\s000\s000 updates/);
  assert.match(await page.textContent('#console'), new RegExp(`counter = ${figures.counter} \\(expected 4000000\\)`));
  // At least two distinct pool threads ran worker code at the same moment.
  const workers = trace.runs.filter(([actor]) => actor > 0);
  const pool = (actor) => trace.actors[actor].pool_thread;
  const overlapping = workers.some(([a, s1, e1]) => workers.some(([b, s2, e2]) => pool(a) !== pool(b) && s1 < e2 && s2 < e1));
  assert.ok(overlapping, `no overlapping busy spans on distinct pool threads: ${JSON.stringify(trace.actors)}`);
  assert.match(await page.textContent('#measured-on'), /measured on \d+ threads of this machine/);
});

test('a lock around each increment, or around the loop, keeps the counter exact', async () => {
  for (const lock of ['each', 'loop']) {
    const { figures } = await run(`gil=off&lock=${lock}`);
    assert.equal(figures.lost, 0, `lock=${lock}: ${JSON.stringify(figures)}`);
    assert.match(await page.textContent('#headline'), /No update lost/);
  }
});

test('under the GIL in 3.11 a bare increment loses nothing', async () => {
  const { figures } = await run('gil=on&between=nothing&python=3.11');
  assert.equal(figures.lost, 0, JSON.stringify(figures));
  assert.match(await page.textContent('#findings'), /calls and loop back-edges/);
});

test('under the GIL a call between read and write loses updates, with hand-offs about every 5 ms', async () => {
  // Enough increments for hundreds of hand-offs: one must land between a read and its write.
  const { figures, trace } = await run('gil=on&between=call&increments=4000000');
  assert.ok(figures.lost > 0, JSON.stringify(figures));
  const handoffs = trace.gil_handoffs[0];
  const expected = trace.wall_ns / 5e6;
  assert.ok(handoffs >= expected * 0.25 && handoffs <= expected * 2 + 10, `${handoffs} hand-offs in ${trace.wall_ns / 1e6} ms`);
  // The GIL track is drawn.
  assert.ok((await page.locator('#timeline .gil-lane').count()) === 1);
  assert.ok((await page.locator('#timeline rect.span.hold-gil').count()) > 0);
});

test('Cancel ends a 10 000 000-increment run, and the next run works', async () => {
  await page.goto(`${server.url}?lesson=race_counter&engine=live&threads=4&increments=10000000&lock=each&gil=on`);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
  await page.click('#run');
  await page.waitForSelector('#run-progress progress');
  await page.waitForTimeout(300);
  const cancelledAt = Date.now();
  await page.click('#cancel');
  await page.waitForSelector('#findings', { timeout: 5_000 });
  assert.ok(Date.now() - cancelledAt < 3_000, `cancel took ${Date.now() - cancelledAt} ms`);
  assert.match(await page.textContent('#findings'), /Cancelled before the end/);
  assert.equal(await page.locator('#worker-restarted').count(), 0, 'the cancel landed without a restart');
  const { figures } = await run('increments=1000&lock=each');
  assert.equal(figures.lost, 0);
});

test('the knobs change the program, the link, and clamp bad values with a note', async () => {
  await page.goto(`${server.url}?${BASE}&increments=1000000&lock=none`);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
  assert.equal(await page.locator('#code .line', { hasText: 'with lock:' }).count(), 0);
  await page.selectOption('#knob-lock', 'each');
  await page.waitForSelector('#code .line:has-text("with lock:")');
  assert.match(page.url(), /lock=each/);
  await page.selectOption('#knob-between', 'call');
  await page.waitForSelector('#code .line:has-text("pause()")');
  await page.fill('#knob-threads', '99');
  await page.press('#knob-threads', 'Enter');
  await page.waitForSelector('#form-notes');
  assert.match(await page.textContent('#form-notes'), /threads=99.*out of range.*1 to 16.*using 16/);
  assert.equal(await page.inputValue('#knob-threads'), '16');
  assert.match(page.url(), /threads=16/);
  // The number box refuses letters itself; a negative count is ours to clamp.
  await page.fill('#knob-increments', '-5');
  await page.press('#knob-increments', 'Enter');
  await page.waitForFunction(() => /increments=-5/.test(document.querySelector('#form-notes').textContent));
  assert.equal(await page.inputValue('#knob-increments'), '1');
  // Malformed values in the link get the same treatment.
  await page.goto(`${server.url}?${BASE}&lock=sideways&increments=lots`);
  await page.waitForSelector('#link-notes');
  const notes = await page.textContent('#link-notes');
  assert.match(notes, /lock=sideways is not one of none \| each \| loop; using none/);
  assert.match(notes, /increments=lots is not a number/);
  assert.equal(await page.inputValue('#knob-increments'), '1000000');
});

test('the index opens the lesson, and Korean findings follow the language', async () => {
  await page.goto(server.url);
  await page.click('a[data-lesson="race_counter"]');
  await page.waitForSelector('#lesson[data-lesson="race_counter"]');
  assert.match(page.url(), /lesson=race_counter/);
  await page.click('button[data-lang="ko"]');
  await page.fill('#knob-increments', '20000');
  await page.press('#knob-increments', 'Enter');
  await page.selectOption('#knob-lock', 'each');
  await page.click('#run');
  await page.waitForSelector('#findings');
  assert.match(await page.textContent('#headline'), /사라진 업데이트가 없습니다/);
  await page.click('a.back');
  await page.waitForSelector('#lesson-index');
  assert.deepEqual(errors, []);
});
