// The host-page API: a tutorial page on another origin includes embed.js, which turns an
// element into a sized frame, and drives the lesson in it over postMessage. Hostile messages
// (another origin, a sibling frame, malformed, too long, markup) change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch } from './support.mjs';

let app, host, stranger, browser;

// A host page: one lesson to drive, a sibling frame of the host's own origin and a frame of
// another origin (each may try to drive the lesson), and the events the page heard.
function tutorial(appUrl, strangerUrl, lessonAttributes) {
  return `<!doctype html><meta charset="utf-8"><title>A tutorial</title><link rel="icon" href="data:,">
<h1>Threads and locks</h1>
<div id="lesson" ${lessonAttributes}></div>
<iframe id="sibling" src="/sibling.html" width="200" height="60"></iframe>
<iframe id="stranger" src="${strangerUrl}stranger.html" width="200" height="60"></iframe>
<script>
  window.heard = [];
  window.relayed = 0;
  addEventListener('message', (event) => {
    if (event.data && event.data.relayed) window.relayed += 1;
    if (event.data && event.data.interleave) window.heard.push(event.data);
  });
</script>
<script src="${appUrl}embed.js"></script>
<script>window.upgradedAtOnce = Boolean(document.querySelector('#lesson').interleave);</script>`;
}

// A frame that posts whatever its parent asks it to, to every other frame of the page (the
// lesson's among them; a frame of another origin cannot tell which it is).
const RELAY = `<!doctype html><link rel="icon" href="data:,"><script>
  addEventListener('message', (event) => {
    if (!event.data || !event.data.relay) return;
    for (let i = 0; i < parent.frames.length; i++) {
      if (parent.frames[i] !== window) parent.frames[i].postMessage(event.data.relay, '*');
    }
    parent.postMessage({ relayed: parent.frames.length - 1 }, '*');
  });
</script>`;

before(async () => {
  app = await serve({ isolated: false, documentIsolated: true });
  stranger = await serve({ isolated: false, pages: { '/stranger.html': RELAY } });
  host = await serve({
    isolated: false,
    pages: {
      '/tutorial.html': tutorial(app.url, stranger.url,
        'data-interleave="race_counter" data-threads="2" data-increments="3000" data-engine="sim" data-view="code,console,timeline,findings"'),
      '/poster.html': tutorial(app.url, stranger.url, 'data-interleave="gil" data-load="click" data-engine="sim"'),
      '/sibling.html': RELAY,
    },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  for (const server of [app, host, stranger]) await server?.close();
});

/** Opens a host page; collects errors of every frame. */
async function openHost(path) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(`${host.url}${path}`);
  return { page, errors };
}

/** Calls a method of the lesson's embed object in the host page. */
function call(page, method, ...args) {
  return page.evaluate(([method, args]) => {
    const lesson = document.querySelector('#lesson').interleave;
    return lesson.ready.then(() => lesson[method](...args));
  }, [method, args]);
}

/** The page's state as the host sees it (without the answer's id). */
async function stateOf(page) {
  const { id, ...state } = await call(page, 'getState');
  return state;
}

const lessonFrame = (page) => page.frames().find((f) => f.url().startsWith(app.url) && f.url().includes('embed=1'));
const heardOf = (page, type) => page.evaluate((type) => window.heard.filter((m) => m.type === type), type);

test('the host hears ready, sets knobs, runs and gets the result; the frame follows the content height', async () => {
  const { page, errors } = await openHost('tutorial.html');
  assert.equal(await page.evaluate(() => window.upgradedAtOnce), true, 'a script after embed.js finds the lesson upgraded');
  const ready = await page.evaluate(() => document.querySelector('#lesson').interleave.ready);
  assert.equal(ready.type, 'ready');
  assert.equal(ready.version, 1);
  assert.equal(ready.lesson, 'race_counter');
  assert.ok(ready.engines.includes('sim'), `engines ${ready.engines}`);
  assert.equal(ready.isolated, ready.engines.includes('live'));

  // A command resolves with the state that shows it.
  const state = await call(page, 'setKnobs', { threads: 3, increments: 5000 });
  assert.equal(state.type, 'state');
  assert.deepEqual(await stateOf(page), (({ id, ...rest }) => rest)(state));
  assert.equal(state.lesson, 'race_counter');
  assert.equal(state.knobs.threads, '3');
  assert.equal(state.knobs.increments, '5000');

  const frameBox = () => page.evaluate(() => document.querySelector('#lesson iframe').getBoundingClientRect().height);
  const heightBefore = await frameBox();
  const result = await call(page, 'run');
  assert.equal(result.type, 'result');
  assert.equal(result.lesson, 'race_counter');
  assert.equal(result.engine, 'sim');
  assert.equal(result.outcome, 'completed');
  assert.ok(result.headline.length > 0);
  // Three threads of 5000 increments without a lock: the counter and what was lost add up.
  assert.ok(Number.isInteger(result.figures.lost), JSON.stringify(result.figures));
  assert.equal(result.figures.expected, 15000);

  // The frame takes the page's height: a run adds the console, timeline and findings.
  await page.waitForFunction((h) => document.querySelector('#lesson iframe').getBoundingClientRect().height > h + 50, heightBefore);
  const frame = lessonFrame(page);
  const content = await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
  const resized = await heardOf(page, 'resize');
  assert.ok(resized.length >= 2, 'resize was told as the content grew');
  assert.ok(Math.abs(resized.at(-1).height - content) <= 2, `last resize ${resized.at(-1).height} vs content ${content}`);
  assert.ok(Math.abs((await frameBox()) - content) <= 2);

  const exported = await call(page, 'exportResult');
  assert.equal(exported.run, result.run);
  assert.match(exported.link, /lesson=race_counter/);
  assert.match(exported.link, /threads=3/);
  assert.ok(exported.console.length > 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('loading a deadlocking lesson tells the host the cycle; theme and language follow the host', async () => {
  const { page, errors } = await openHost('tutorial.html');
  await call(page, 'load', 'dining_philosophers', { philosophers: 3, strategy: 'naive' });
  const state = await call(page, 'getState');
  assert.equal(state.lesson, 'dining_philosophers');
  const result = await call(page, 'run');
  assert.equal(result.outcome, 'deadlock');
  const deadlock = (await heardOf(page, 'deadlock')).at(-1);
  assert.equal(deadlock.cycle.length, 3, JSON.stringify(deadlock));
  // Each waits for a fork the next one holds: the cycle closes.
  const waiters = new Set(deadlock.cycle.map((e) => e.waiter));
  for (const edge of deadlock.cycle) assert.ok(waiters.has(edge.heldBy), JSON.stringify(edge));

  const frame = lessonFrame(page);
  await call(page, 'setTheme', 'dark');
  await frame.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
  await call(page, 'setLang', 'ko');
  await frame.waitForFunction(() => document.documentElement.lang === 'ko');
  assert.match(await frame.textContent('#run'), /[\uac00-\ud7a3]/, 'the Run button speaks Korean');
  const after = await call(page, 'getState');
  assert.equal(after.theme, 'dark');
  assert.equal(after.lang, 'ko');

  const refused = await page.evaluate(() => document.querySelector('#lesson').interleave.setTheme('purple')
    .then(() => 'resolved', (error) => error.code));
  assert.equal(refused, 'bad-value');
  assert.equal((await heardOf(page, 'error')).at(-1).code, 'bad-value', 'listeners hear it too');
  assert.equal((await stateOf(page)).theme, 'dark', 'nothing changed');
  assert.deepEqual(errors, []);
  await page.close();
});

test('messages from elsewhere, malformed, too long or carrying markup change nothing', async () => {
  const { page, errors } = await openHost('tutorial.html');
  await page.evaluate(() => document.querySelector('#lesson').interleave.ready);
  const before = await stateOf(page);
  const errorsHeard = async () => (await heardOf(page, 'error')).length;

  // A frame of another origin, and a sibling frame of the host's own origin, each try.
  const drive = { interleave: 1, type: 'load', lesson: 'gil', knobs: {} };
  await page.evaluate((relay) => {
    document.querySelector('#stranger').contentWindow.postMessage({ relay }, '*');
    document.querySelector('#sibling').contentWindow.postMessage({ relay }, '*');
  }, drive);
  await page.waitForFunction(() => window.relayed === 2);
  await page.waitForTimeout(800);
  assert.deepEqual(await stateOf(page), before, 'other frames cannot drive the lesson');

  const post = (message) => page.evaluate((message) => {
    const frame = document.querySelector('#lesson iframe');
    frame.contentWindow.postMessage(message, new URL(frame.src).origin);
  }, message);
  const cases = [
    [{ interleave: 2, type: 'run', id: 1 }, 'version'],
    [{ interleave: 1, type: 'explode', id: 2 }, 'malformed'],
    [{ interleave: 1, type: 'load', id: 3 }, 'malformed'],
    [{ interleave: 1, type: 'load', id: 4, lesson: 'x'.repeat(200_000) }, 'too-long'],
    [{ interleave: 1, type: 'setKnobs', id: 5, knobs: { threads: '9'.repeat(100_000) } }, 'too-long'],
    [{ interleave: 1, type: 'load', id: 6, lesson: '<img src=x onerror="window.owned=1">' }, 'unknown-lesson'],
    [{ interleave: 1, type: 'setKnobs', id: 7, knobs: { threads: '<b id="owned">2</b>' } }, 'bad-knob'],
    [{ interleave: 1, type: 'setKnobs', id: 8, knobs: { '<script>': 1 } }, 'bad-knob'],
    [{ interleave: 1, type: 'setKnobs', id: 9, knobs: { threads: 1e9 } }, 'bad-knob'],
    [{ interleave: 1, type: 'step', id: 10, move: 'sideways' }, 'malformed'],
    [{ interleave: 1, type: 'setKnobs', id: 11, knobs: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) }, 'too-long'],
  ];
  for (const [message, code] of cases) {
    const count = await errorsHeard();
    await post(message);
    await page.waitForFunction((n) => window.heard.filter((m) => m.type === 'error').length > n, count);
    const error = (await heardOf(page, 'error')).at(-1);
    assert.equal(error.code, code, `${JSON.stringify(message).slice(0, 80)} -> ${JSON.stringify(error).slice(0, 200)}`);
    assert.equal(error.id, message.id);
    assert.ok(error.message.length < 2000, 'the answer does not echo a huge field');
  }
  // Not ours: other scripts' messages get no answer at all.
  const count = await errorsHeard();
  await post('hello');
  await post({ type: 'run' });
  await post(null);
  await page.waitForTimeout(500);
  assert.equal(await errorsHeard(), count);

  assert.deepEqual(await stateOf(page), before, 'nothing changed');
  const frame = lessonFrame(page);
  assert.equal(await frame.evaluate(() => window.owned), undefined);
  assert.equal(await frame.locator('#owned, img[src=x]').count(), 0, 'no markup reached the page');
  assert.equal(await frame.locator('#findings').count(), 0, 'nothing ran');
  assert.deepEqual(errors, []);
  await page.close();
});

test('load=click fetches no wasm before the click; the first click loads and runs', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const wasm = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
  });
  await page.goto(`${host.url}poster.html`);
  await page.waitForFunction(() => document.querySelector('#lesson iframe'));
  const frame = page.frameLocator('#lesson iframe');
  await frame.locator('#poster-load').waitFor({ timeout: 30_000 });
  assert.match(await frame.locator('#poster-lesson').textContent(), /gil/);
  await page.waitForTimeout(1000);
  assert.deepEqual(wasm, [], 'nothing heavy before the click');
  await frame.locator('#poster-load').click();
  await frame.locator('#findings').waitFor({ timeout: 120_000 });
  assert.ok(wasm.length >= 1, 'the click loaded the wasm');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a refused command rejects with its code; a run stopped by another lesson rejects instead of hanging', async () => {
  const { page, errors } = await openHost('tutorial.html');
  const refused = await page.evaluate(() => document.querySelector('#lesson').interleave.load('no_such_lesson')
    .then(() => 'resolved', (error) => error.code));
  assert.equal(refused, 'unknown-lesson');

  // A host's own ids may be texts, and come back as given.
  const answer = await page.evaluate(() => new Promise((resolve) => {
    addEventListener('message', (event) => { if (event.data && event.data.id === 'q-7') resolve(event.data); });
    const frame = document.querySelector('#lesson iframe');
    frame.contentWindow.postMessage({ interleave: 1, id: 'q-7', type: 'getState' }, new URL(frame.src).origin);
  }));
  assert.equal(answer.type, 'state');

  // Five seconds of live philosophers, and the host opens another lesson after one.
  await call(page, 'load', 'dining_philosophers', { strategy: 'ordered', duration_s: 5, engine: 'live' });
  const outcome = page.evaluate(() => document.querySelector('#lesson').interleave.run()
    .then((result) => `resolved ${result.outcome}`, (error) => error.code));
  await page.waitForFunction(() => window.heard.some((m) => m.type === 'state' && m.phase === 'running'));
  await call(page, 'load', 'gil', {});
  assert.equal(await outcome, 'run-ended');
  assert.equal((await stateOf(page)).lesson, 'gil');
  assert.deepEqual(errors, []);
  await page.close();
});

