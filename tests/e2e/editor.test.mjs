// The learner's own program in the page: edit a lesson's Python, run it on both engines,
// see a refusal marked while typing, share it in a link, reset it, cancel an endless loop,
// and start from the blank page's starters.
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

const RACE = 'lesson=race_counter&lock=each&threads=2&increments=20000&gil=off&cores=2';

/** The editor's text. */
const text = () => page.inputValue('#code-input');

/** Replaces the editor's text as typing would (an input event), and waits for the link. */
async function setText(value) {
  await page.fill('#code-input', value);
  await page.waitForFunction(() => location.search.includes('code='));
}

test('editing the race lesson: removing `with lock:` loses updates on both engines', async () => {
  await page.goto(`${server.url}?${RACE}`);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
  assert.equal(await page.locator('#code-input').count(), 0, 'read-only until Edit');
  await page.click('#edit-code');
  await page.waitForSelector('#code-input');
  const lesson = await text();
  assert.match(lesson, /\n        with lock:\n            counter \+= 1\n/);
  await setText(lesson.replace('        with lock:\n            counter += 1\n', '        counter += 1\n'));
  await page.waitForSelector('#reset-code');
  // The lesson's own knobs are in the text now: the form leaves them out and says so.
  await page.waitForSelector('#knobs-fixed');
  assert.equal(await page.locator('#knob-lock').count(), 0);

  const headline = await runAndWait(page);
  assert.match(headline, /^Your program ran to its end/);
  const sim = await figuresOf(page);
  assert.ok(sim.counter < 40_000, `the simulated run lost nothing: ${JSON.stringify(sim)}`);
  assert.match(await page.textContent('#console'), /counter = \d+ \(expected 40000\)/);

  await page.selectOption('#knob-engine', 'live');
  await runAndWait(page);
  const live = await figuresOf(page);
  assert.ok(live.counter <= 40_000 && live.counter > 0, JSON.stringify(live));
  assert.equal(live.stuck, 0);
  assert.deepEqual(errors, []);
});

test('the link carries the edited program, and Reset brings the lesson back', async () => {
  const shared = page.url();
  assert.match(shared, /[?&]code=[A-Za-z0-9_-]+/);
  const other = await browser.context.newPage();
  await other.goto(shared);
  await other.waitForSelector('#code-input');
  assert.doesNotMatch(await other.inputValue('#code-input'), /with lock:/);
  await other.waitForSelector('#edited-note');
  await other.click('#reset-code');
  await other.waitForFunction(() => !location.search.includes('code='));
  assert.match(await other.inputValue('#code-input'), /with lock:/);
  // Reset can be taken back.
  await other.click('#restore-code');
  await other.waitForFunction(() => location.search.includes('code='));
  assert.doesNotMatch(await other.inputValue('#code-input'), /with lock:/);
  await other.close();
});

test('a refusal is marked at its line and column while typing; Tab, Enter and undo edit as expected', async () => {
  await page.goto(`${server.url}?${RACE}`);
  await page.click('#edit-code');
  await page.waitForSelector('#code-input');
  const lines = (await text()).split('\n').length;
  // Type at the very end, as a learner would.
  await page.focus('#code-input');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nclass Account:');
  await page.keyboard.press('Enter');
  assert.ok((await text()).endsWith('class Account:\n    '), 'Enter after a colon indents one level');
  await page.keyboard.type('pass');
  await page.waitForSelector('#code-error-jump');
  const error = await page.textContent('#code-error');
  assert.match(error, new RegExp(`Line ${lines + 1}, column 1: .*class`), error);
  await page.waitForSelector(`#code-editor .line.refused[data-line="${lines + 1}"]`);
  // Tab indents by four spaces; undo takes back what was typed, the refusal goes with it.
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.ok((await text()).endsWith('    pass\n        '), JSON.stringify((await text()).slice(-20)));
  for (let i = 0; i < 12 && (await text()).includes('class'); i++) {
    await page.keyboard.press('Control+z');
  }
  assert.doesNotMatch(await text(), /class/);
  await page.waitForSelector('#code-error.ok');
  // Selected lines indent and dedent together; Shift+Tab with the caret at a line's start
  // takes its indent off too.
  const before = await text();
  const start = before.indexOf('for t in threads:');
  await page.evaluate((s) => document.querySelector('#code-input').setSelectionRange(s, s + 'for t in threads:\n    t.start()'.length), start);
  await page.keyboard.press('Tab');
  assert.ok((await text()).includes('    for t in threads:\n        t.start()'), (await text()).slice(start - 4, start + 40));
  await page.keyboard.press('Shift+Tab');
  assert.equal(await text(), before);
  const inner = before.indexOf('    t.start()');
  await page.evaluate((s) => document.querySelector('#code-input').setSelectionRange(s, s), inner);
  await page.keyboard.press('Shift+Tab');
  assert.ok((await text()).includes('\nt.start()'), 'dedented from the line start');
  await page.keyboard.press('Control+z');
  assert.equal(await text(), before, 'undo takes the dedent back');
});

test('an endless loop ends with Cancel, and the next run works', async () => {
  await page.goto(`${server.url}?lesson=your_program&engine=live`);
  await page.waitForSelector('#code-input');
  await setText(
    'import threading\n\nn = 0\n\n\ndef spin():\n    global n\n    while True:\n        n += 1\n\n\n' +
      't = threading.Thread(target=spin)\nt.start()\nt.join()\n',
  );
  await page.waitForSelector('#run:not([disabled])');
  await page.click('#run');
  await page.waitForSelector('#cancel:not([disabled])');
  await page.waitForTimeout(500);
  await page.click('#cancel');
  await page.waitForSelector('#findings', { timeout: 10_000 });
  assert.match(await page.textContent('#headline'), /did not finish/);
  await page.click('#reset-code');
  const headline = await runAndWait(page);
  assert.match(headline, /^Your program ran to its end/);
});

test('the blank page opens in the editor on a starter; explore finds the deadlock and a lost deposit', async () => {
  await page.goto(`${server.url}?lesson=your_program&starter=deadlock`);
  await page.waitForSelector('#code-input');
  assert.match(await text(), /def pay_bob\(\):/);
  await page.waitForSelector('#explore-find:not([disabled])');
  await page.click('#explore-find');
  await page.waitForSelector('#explore-found', { timeout: 60_000 });
  assert.match(await page.textContent('#explore-result'), /stuck/);

  await page.goto(`${server.url}?lesson=your_program&starter=lost_updates`);
  await page.waitForSelector('#explore-expect-variable option[value="var:balance"]', { state: 'attached' });
  await page.selectOption('#explore-expect-variable', 'var:balance');
  await page.fill('#explore-expect-value', '200');
  await page.dispatchEvent('#explore-expect-value', 'change');
  await page.click('#explore-find');
  await page.waitForSelector('#explore-found', { timeout: 60_000 });
  assert.match(await page.textContent('#explore-result'), /balance != 200/);
  // Or by what a run prints.
  await page.selectOption('#explore-expect-variable', 'prints');
  await page.fill('#explore-expect-text', 'balance = 200');
  await page.dispatchEvent('#explore-expect-text', 'change');
  await page.click('#explore-find');
  await page.waitForFunction(() => /output lacks/.test(document.querySelector('#explore-result')?.textContent ?? ''), null, { timeout: 60_000 });
  await page.waitForSelector('#explore-found');
});

test('processes in a written program: a Value loses updates on both engines, and a pool runs', async () => {
  await page.goto(`${server.url}?lesson=your_program&starter=value_race&cores=2`);
  await page.waitForSelector('#code-input');
  assert.match(await text(), /from multiprocessing import Process, Value/);
  await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
  assert.match(await runAndWait(page), /^Your program ran to its end/);
  const sim = await figuresOf(page);
  assert.ok(sim['v.value'] > 0 && sim['v.value'] < 80_000, `no update lost: ${JSON.stringify(sim)}`);
  assert.match(await page.textContent('#console'), /v\.value = \d+ \(expected 80000\)/);
  await page.selectOption('#knob-engine', 'live');
  await runAndWait(page);
  const live = await figuresOf(page);
  assert.ok(live['v.value'] > 0 && live['v.value'] <= 80_000, JSON.stringify(live));

  // Edited into a pool whose callback adds up the squares in the parent.
  await page.selectOption('#knob-engine', 'sim');
  await setText(`from multiprocessing import Pool

total = 0


def square(x):
    return x * x


def add(result):
    global total
    total = total + result


if __name__ == "__main__":
    pool = Pool(3)
    for x in range(6):
        pool.apply_async(square, (x,), callback=add)
    pool.close()
    pool.join()
    print(f"total = {total}")
`);
  await page.waitForSelector('#run:not([disabled])');
  await runAndWait(page);
  assert.match(await page.textContent('#console'), /total = 55/);
  assert.equal((await figuresOf(page)).total, 55);
  assert.deepEqual(errors, []);
});

test('a garbled or too long `code=` gets a note and the lesson\'s own program', async () => {
  for (const [code, says] of [['!!!', /could not be read/], ['A'.repeat(7000), /at most 6\s?000/]]) {
    await page.goto(`${server.url}?lesson=race_counter&code=${code}`);
    await page.waitForSelector('#link-notes');
    assert.match(await page.textContent('#link-notes'), says);
    await page.waitForSelector('pre.code');
    assert.equal(await page.locator('#code-input').count(), 0);
    assert.match(await page.textContent('#code'), /counter \+= 1/);
  }
});
