// Accessible: axe-core finds no serious or critical violation in any page state (tour.mjs:
// the index, each lesson before and after a run, compare, the stepper, explore, a sweep, a
// deadlock, a learner's program refused and failing, the embed dialog, a live run), in both
// languages; and the stepper is driven by its keys alone to a lost update.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { serve, launch, openPage, figuresOf } from './support.mjs';
import { tour } from './tour.mjs';

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

/** The serious and critical violations on the page as it is, one line each. */
async function violations() {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary.split('\n')[1]?.trim()}`));
}

for (const lang of ['en', 'ko']) {
  test(`axe finds no serious or critical violation in any page state (${lang})`, async () => {
    const found = [];
    let states = 0;
    await tour(page, server.url, lang, async (state) => {
      states++;
      for (const v of await violations()) found.push(`[${state}] ${v}`);
    });
    assert.ok(states >= 30, `${states} states`);
    assert.deepEqual(found, []);
  });
}

test('the stepper by its keys alone: the race stepped to a lost update', async () => {
  await page.goto(`${server.url}?lesson=race_counter&threads=2&increments=1&gil=off&cores=2`);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
  // To the stepper's button by Tab, opened with Enter.
  for (let i = 0; i < 80 && !(await page.evaluate(() => document.activeElement?.id === 'open-stepper')); i++) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'open-stepper');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#stepper-keys');
  const row = async (actor) => page.evaluate((a) => {
    const tr = document.querySelector(`#stepper-actors tr[data-actor="${a}"]`);
    return { state: tr.dataset.state, next: tr.dataset.next };
  }, actor);
  const press = async (key) => {
    const before = await page.getAttribute('#stepper', 'data-turns');
    await page.keyboard.press(key);
    await page.waitForFunction((b) => document.querySelector('#stepper').dataset.turns !== b, before);
  };
  /** `key` until `actor` is about to do `next`; while `key`'s button is off, another key
   * whose button is on (time passing, or a thread other than `held`). */
  const KEY_BUTTONS = { S: '#step', W: '#step-wait', 0: '#step-actor-0', 1: '#step-actor-1', 2: '#step-actor-2' };
  const until = async (actor, next, key, held = null) => {
    for (let i = 0; i < 200; i++) {
      const r = await row(actor);
      if (r.state === 'Ready' && r.next === next) return;
      let chosen = key;
      if (await page.isDisabled(KEY_BUTTONS[key])) {
        chosen = null;
        for (const other of ['W', '0', '1', '2'].filter((k) => k !== String(held))) {
          if (!(await page.isDisabled(KEY_BUTTONS[other]))) { chosen = other; break; }
        }
        assert.ok(chosen, 'nothing can move');
      }
      await press(chosen);
    }
    assert.fail(`thread ${actor} never reached ${next}`);
  };
  // Thread-1 reads; Thread-2 reads, adds and writes; Thread-1 writes what it read plus one.
  await until(1, 'r0 = counter', 'S');
  await press('1');
  await until(2, 'r0 = counter', '2', 1);
  for (let i = 0; i < 3; i++) await press('2');
  await page.keyboard.press('E');
  await page.waitForSelector('#stepper[data-over="true"]', { timeout: 60_000 });
  await page.waitForSelector('#findings');
  assert.equal((await figuresOf(page)).lost, 1);
  assert.deepEqual(errors, []);
});
