// A walk through every state the page can be in (the index, each lesson before and after a
// run, the stepper, explore, compare, sweep, the live engine, a learner's program refused
// and one that fails, a deadlock, the embed dialog), calling `visit(name)` at each. The
// Korean-words test and the accessibility test take the same walk.
import { runAndWait } from './support.mjs';

/** Every lesson's id, as the index lists them. */
async function lessonIds(page, base) {
  await page.goto(`${base}?lang=en`);
  await page.waitForSelector('#lesson-index');
  return page.evaluate(() =>
    [...document.querySelectorAll('#lesson-index a[href*="lesson="]')].map((a) => new URL(a.href).searchParams.get('lesson')),
  );
}

/** Opens a link and waits until the lesson can run and its words (explanation, knob help)
 * have come from the worker. */
async function open(page, url) {
  await page.goto(url);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
  await page.waitForFunction(() => {
    const edited = document.querySelector('#edited-note');
    return edited || document.querySelector('.knob-help') || !document.querySelector('.knob');
  }, null, { timeout: 30_000 });
}

const LEARNER_REFUSED = 'class Point:\n    pass\n';
const LEARNER_FAILS = 'import threading\n\ndef work():\n    raise ValueError("bad value")\n\nt = threading.Thread(target=work)\nt.start()\nt.join()\nprint(1 / 0)\n';

/** Walks the page in `lang`; `visit(name)` checks the page as it is. `live` adds a run on the
 * live engine (the server must send the isolation headers). */
export async function tour(page, base, lang, visit, { live = true } = {}) {
  const ids = await lessonIds(page, base);
  await page.goto(`${base}?lang=${lang}`);
  await page.waitForSelector('#lesson-index');
  await visit('index');

  for (const id of ids) {
    await open(page, `${base}?lesson=${id}&lang=${lang}`);
    await visit(`${id} before a run`);
    await runAndWait(page);
    await visit(`${id} after a run`);
  }

  // Compare: a run pinned, another beside it.
  await open(page, `${base}?lesson=race_counter&lang=${lang}&threads=2&increments=20000&between=call`);
  await runAndWait(page);
  await page.click('#pin-run');
  await page.selectOption('#knob-lock', 'each');
  await runAndWait(page);
  await page.waitForSelector('#compare-table');
  await visit('compare');

  // The stepper, a few turns in.
  await page.click('#open-stepper');
  await page.waitForSelector('#step:not([disabled])', { timeout: 30_000 });
  for (let i = 0; i < 3; i++) {
    const before = await page.getAttribute('#stepper', 'data-turns');
    await page.click('#step');
    await page.waitForFunction((b) => document.querySelector('#stepper').dataset.turns !== b, before);
  }
  await visit('stepper');
  await page.click('#step-close');

  // Explore over seeds, on a race small enough to search.
  await open(page, `${base}?lesson=race_counter&lang=${lang}&threads=2&increments=2&gil=off`);
  await page.waitForSelector('#explore-run:not([disabled])', { timeout: 30_000 });
  await page.fill('#explore-seeds', '20');
  await page.click('#explore-run');
  await page.waitForSelector('#explore-result', { timeout: 120_000 });
  await visit('explore');

  // A sweep.
  await open(page, `${base}?lesson=gil&lang=${lang}&work=cpu`);
  await page.selectOption('#sweep-knob', 'workers');
  await page.fill('#sweep-values', '1-3');
  await page.fill('#sweep-seeds', '1');
  await page.click('#sweep-start');
  await page.waitForSelector('#sweep-result', { timeout: 120_000 });
  await visit('sweep');

  // A deadlock, its wait-for graph.
  await open(page, `${base}?lesson=dining_philosophers&lang=${lang}&strategy=naive&eat_ms=0&think_ms=0`);
  await runAndWait(page);
  await visit('deadlock');

  // The learner's program: refused, then one whose thread and main both fail.
  const code = (text) => `code=${encodeURIComponent(text)}`;
  await page.goto(`${base}?lesson=your_program&lang=${lang}&${code(LEARNER_REFUSED)}`);
  await page.waitForSelector('#code-error', { timeout: 30_000 });
  await visit('a program refused');
  await open(page, `${base}?lesson=your_program&lang=${lang}&${code(LEARNER_FAILS)}`);
  await runAndWait(page);
  await visit('a program that fails');

  // The embed dialog.
  await page.click('#open-embed');
  await page.waitForSelector('#embed-dialog');
  await visit('embed dialog');

  if (live) {
    await open(page, `${base}?lesson=race_counter&lang=${lang}&engine=live&threads=2&increments=20000`);
    await runAndWait(page);
    await visit('live run');
  }
}
