// Sharing and history: Copy link puts the page's link on the clipboard and says so; opening
// a lesson and each run are history entries, so Back and Forward move between them and bring
// back each run as it was; a lesson opened from a link has the index one Back away.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, runAndWait, figuresOf } from './support.mjs';
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

/** The run on show: its number and figures (none when no run is shown). */
async function shown() {
  const run = await page.evaluate(() => document.querySelector('#findings')?.dataset.run ?? null);
  return run === null ? null : { run, figures: await figuresOf(page) };
}

test('Back and Forward move between the index, the lesson and its runs, each run shown as it was', async () => {
  await page.goto(`${server.url}?lesson=race_counter&threads=4&increments=400000&between=call&seed=3&cores=2`);
  await page.waitForSelector('#run:not([disabled])');
  await runAndWait(page);
  const unlocked = await shown();
  assert.ok(unlocked.figures.lost > 0, JSON.stringify(unlocked));
  // Knobs changed after a run, then run: the second run's entry.
  await page.selectOption('#knob-lock', 'each');
  await runAndWait(page);
  const locked = await shown();
  assert.equal(locked.figures.lost, 0);
  assert.match(page.url(), /lock=each/);

  await page.goBack();
  await page.waitForFunction((run) => document.querySelector('#findings')?.dataset.run === run, unlocked.run);
  assert.deepEqual(await shown(), unlocked, 'the first run, as it was (not run again)');
  assert.doesNotMatch(page.url(), /lock=each/);
  assert.equal(await page.inputValue('#knob-lock'), 'none');

  await page.goBack();
  await page.waitForFunction(() => !document.querySelector('#findings'));
  assert.match(page.url(), /lesson=race_counter/);
  assert.equal(await page.locator('#lesson').count(), 1, 'the lesson, before its first run');

  await page.goBack();
  await page.waitForSelector('#lesson-index');
  assert.doesNotMatch(page.url(), /lesson=/);

  await page.goForward();
  await page.goForward();
  await page.waitForFunction((run) => document.querySelector('#findings')?.dataset.run === run, unlocked.run);
  await page.goForward();
  await page.waitForFunction((run) => document.querySelector('#findings')?.dataset.run === run, locked.run);
  assert.equal(await page.inputValue('#knob-lock'), 'each');
  assert.deepEqual(errors, []);
});

test('a run the page no longer keeps is run again: on reload and on Back, the same run on the simulated engine', async () => {
  await page.goto(`${server.url}?lesson=race_counter&threads=3&increments=50000&between=call&seed=5`);
  await runAndWait(page);
  const first = await shown();
  await page.fill('#knob-threads', '2');
  await page.dispatchEvent('#knob-threads', 'change');
  await runAndWait(page);
  const second = await shown();
  // A reload forgets the runs: the entry's run is run again, and so is the one before it.
  const settled = () => page.waitForFunction(() =>
    document.querySelector('#findings') && !document.querySelector('#cancel:not([disabled])'));
  await page.reload();
  await settled();
  assert.deepEqual((await shown()).figures, second.figures);
  assert.match(page.url(), /threads=2/);
  await page.goBack();
  await page.waitForFunction(() => /threads=3/.test(location.search));
  await settled();
  assert.deepEqual((await shown()).figures, first.figures);
  assert.deepEqual(errors, []);
});

test('Copy link puts the link of the lesson and its knobs on the clipboard and says so', async () => {
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
  await page.goto(`${server.url}?lesson=pipe&messages=4&lang=ko`);
  await page.waitForSelector('#copy-link');
  await page.click('#copy-link');
  await page.waitForFunction(() => document.querySelector('#link-copied')?.textContent.trim().length > 0);
  assert.match(await page.textContent('#link-copied'), /링크를 복사했습니다/);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(new URL(copied).origin + new URL(copied).pathname, server.url);
  const params = new URL(copied).searchParams;
  assert.equal(params.get('lesson'), 'pipe');
  assert.equal(params.get('messages'), '4');
  assert.equal(params.get('lang'), 'ko');
  // Opened, the link is the same lesson with the same knobs.
  await page.goto(copied);
  await page.waitForSelector('#run:not([disabled])');
  assert.equal(await page.inputValue('#knob-messages'), '4');
  assert.deepEqual(errors, []);
});

test('a pinned lock=none run shows beside a lock=each run with the differences, and the shared link reopens both', async () => {
  await page.goto(`${server.url}?lesson=race_counter&threads=4&increments=400000&between=call&seed=3&cores=2`);
  await runAndWait(page);
  const unlocked = await figuresOf(page);
  assert.ok(unlocked.lost > 0);
  await page.click('#pin-run');
  assert.match(page.url(), /pin=/);
  assert.equal(await page.locator('#compare').count(), 0, 'nothing beside the pinned run itself');
  await page.selectOption('#knob-lock', 'each');
  await runAndWait(page);
  const compare = async () => page.evaluate(() => {
    const rows = [...document.querySelectorAll('#compare-table tbody tr')];
    return Object.fromEntries(rows.map((r) => [r.dataset.name, {
      differs: r.classList.contains('differs'),
      cells: [...r.querySelectorAll('td')].map((td) => td.textContent.trim()),
    }]));
  });
  const rows = await compare();
  assert.deepEqual(rows.lock, { differs: true, cells: ['none', 'each', '≠ none → each'] }, JSON.stringify(rows));
  assert.ok(!('threads' in rows), 'only the knobs that differ');
  const lost = rows.lost;
  assert.ok(lost.differs && lost.cells[1] === '0' && lost.cells[2].endsWith('→ 0'), JSON.stringify(lost));
  assert.equal(rows.expected.differs, false);
  assert.match(rows['Python time'].cells[2], /ms → .* ms/);
  // Two timelines on one time axis: the same window.
  const windows = await page.locator('#timeline .window, #timeline-pinned .window').allTextContents();
  assert.equal(windows.length, 2);
  assert.equal(windows[0], windows[1]);
  assert.ok(await page.locator('#console-pinned .row').count() > 0);

  // The link reopens both: the pinned knobs run first, then its own.
  const link = page.url();
  await page.goto('about:blank');
  await page.goto(link);
  await page.waitForSelector('#compare-table', { timeout: 60_000 });
  const again = await compare();
  assert.deepEqual(again.lock, rows.lock);
  assert.deepEqual(again.lost, rows.lost);
  await page.click('#unpin');
  assert.equal(await page.locator('#compare').count(), 0);
  assert.doesNotMatch(page.url(), /pin=/);
  assert.deepEqual(errors, []);
});
