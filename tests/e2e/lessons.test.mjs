// Every lesson as a new user meets it, in headless Chromium: opened from the index, run
// with its defaults and with changed knobs on both engines, its findings computed from the
// run; bad knob values in the link and in the form get a note and never break the page.
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

// For each lesson: knobs that keep a live run short, changed knobs, what the headline says
// with the defaults and with the change, and a number knob to push out of range.
const LESSONS = {
  starting_threads: {
    live: 'time_scale=0.05',
    changed: 'api=thread&join=no',
    defaults: /All 3 threads printed their 4 lines/,
    after: /printed nothing/,
    number: ['threads', 1, 8],
  },
  race_counter: {
    live: 'increments=100000',
    changed: 'lock=each&threads=3&increments=20000',
    defaults: /updates|update lost/,
    after: /No update lost/,
    number: ['threads', 1, 16],
  },
  lock_print: {
    live: '',
    changed: 'lock=off&iterations=3',
    defaults: /All 10 pairs came out together/,
    after: /All 6 pairs/,
    // On real threads the second thread can start before the first is done, and then a
    // pair can be split without the lock (CPython does that too, now and then).
    afterLive: /All 6 pairs|\d of 6 pairs were split/,
    number: ['iterations', 1, 100000],
  },
  dining_philosophers: {
    // On real threads a deadlock needs the philosophers to start within `gap_ms` of each
    // other; on a busy machine 10 ms is sometimes too short.
    live: 'gap_ms=100',
    changed: 'strategy=waiter&philosophers=3&duration_s=1',
    defaults: /^Deadlock: 5 philosophers/,
    after: /^No deadlock/,
    number: ['philosophers', 2, 12],
  },
  sync_tools: {
    live: '',
    changed: 'primitive=semaphore&threads=4&permits=2',
    defaults: /RLock twice/,
    after: /At most 2 threads were inside at once/,
    number: ['threads', 1, 8],
  },
  gil: { live: 'size=50', changed: 'work=io&workers=3&size=50', defaults: /2 threads: .* serially/, after: /3 threads: .* serially/, number: ['workers', 1, 16] },
  threads_vs_processes: { live: '', changed: 'kind=fork&count=3', defaults: /8 threads: .* same counter \(8\)/, after: /counter is still 0/, number: ['count', 1, 16] },
  process_basics: { live: '', changed: 'processes=3', defaults: /All 5 children printed their result/, after: /All 3 children/, number: ['processes', 1, 12] },
  pool_map: {
    live: 'time_scale=0.05',
    changed: 'chunksize=5&time_scale=0.05',
    defaults: /10 tasks on 3 workers took 4\.\d\d s; predicted 4\.00 s/,
    after: /took 5\.\d\d s; predicted 5\.00 s/,
    number: ['tasks', 1, 40],
  },
  shared_value: { live: '', changed: 'shared=global', defaults: /No update lost: v\.value is exactly 450/, after: /parent's counter is 0/, number: ['processes', 1, 12] },
  pipe: { live: '', changed: 'close_early=yes', defaults: /All 3 messages arrived, in the order they were sent: Hello World !/, after: /then recv\(\) raised EOFError/, number: ['messages', 1, 10] },
  queue: { live: '', changed: 'maxsize=0&items=2', defaults: /All 8 items went through/, after: /All 4 items went through/, number: ['items', 1, 50] },
  job_queue: { live: '', changed: 'drain=after', defaults: /Collected 0 of 10 results/, after: /All 10 results collected/, number: ['jobs', 1, 40] },
  futures: {
    live: '',
    changed: 'method=map&tasks=4',
    defaults: /^6 tasks on 6 worker threads: 0\.\d\d s; results in completion order/,
    after: /^4 tasks on 4 worker threads: 0\.\d\d s; results in submission order 0, 1, 2, 3/,
    number: ['tasks', 1, 24],
  },
  asyncio_vs_threads: {
    live: '',
    changed: 'between=nothing&tasks=4',
    defaults: /^asyncio: the workers counted 100 of 1.000: 900 updates lost/,
    after: /^asyncio: the workers counted all 400: none lost/,
    number: ['tasks', 1, 20],
  },
  pickling: {
    live: '',
    changed: 'start_method=spawn',
    defaults: /^The child ran and printed child got int \(fork, this version's default\)/,
    after: /^p\.start\(\) raised AttributeError: Can't pickle local object 'main\.<locals>\.<lambda>' \(spawn, set with set_start_method\)/,
    number: ['cores', 1, 64],
  },
  free_threading: {
    live: 'increments=20000',
    changed: 'python=3.13t&threads=4&increments=5000',
    defaults: /^Python 3\.11: (40|160).000 of (40|160).000 items kept, and the counter is exact/,
    after: /^Python 3\.13t: items\.append kept 20.000 of 20.000 items; counter \+= 1 lost \d/,
    // On real threads the counter may come out exact when the threads happen not to overlap.
    afterLive: /^Python 3\.13t: (items\.append kept 20.000 of 20.000 items|20.000 of 20.000 items kept)/,
    number: ['threads', 1, 16],
  },
  your_program: {
    live: '',
    changed: 'starter=deadlock',
    defaults: /^Your program ran to its end/,
    after: /^Deadlock: 2 threads wait for each other/,
    number: ['cores', 1, 64],
  },
};

const run = () => runAndWait(page);

test('the index lists every lesson with a teaser, grouped, and each opens and runs with its defaults (simulated)', async () => {
  await page.goto(server.url);
  await page.waitForSelector('#lesson-index');
  const listed = await page.$$eval('#lesson-index a[data-lesson]', (links) => links.map((a) => a.dataset.lesson));
  assert.deepEqual([...listed].sort(), Object.keys(LESSONS).sort());
  for (const id of listed) {
    await page.goto(server.url);
    await page.click(`a[data-lesson="${id}"]`);
    await page.waitForSelector(`#lesson[data-lesson="${id}"]`);
    assert.match(page.url(), new RegExp(`lesson=${id}`));
    assert.ok((await page.textContent('#code')).length > 50, `${id}: the program is shown`);
    const headline = await run();
    assert.match(headline, LESSONS[id].defaults, `${id} (sim, defaults)`);
    assert.ok((await page.locator('#timeline svg').count()) > 0, `${id}: a timeline`);
  }
  assert.deepEqual(errors, []);
});

test('every lesson runs on real threads, with its defaults and with changed knobs, on both engines', async () => {
  for (const [id, lesson] of Object.entries(LESSONS)) {
    await page.goto(`${server.url}?lesson=${id}&engine=live${lesson.live ? '&' + lesson.live : ''}`);
    assert.match(await run(), lesson.defaults, `${id} (live, defaults)`);
    assert.match(await page.textContent('#measured-on'), /measured on \d+ threads of this machine/);
    for (const engine of ['sim', 'live']) {
      await page.goto(`${server.url}?lesson=${id}&engine=${engine}&${lesson.changed}`);
      const after = engine === 'live' && lesson.afterLive ? lesson.afterLive : lesson.after;
      assert.match(await run(), after, `${id} (${engine}, ${lesson.changed})`);
    }
  }
  assert.deepEqual(errors, []);
});

test('a live run under time_scale says both the real time and the program\'s own', async () => {
  await page.goto(`${server.url}?lesson=starting_threads&engine=live&time_scale=0.1&threads=2&lines=2`);
  await run();
  // Thread 2 prints its second line at 2 x 2 x 1 s of the program's time: 4 s, 0.4 s real.
  const scaled = await page.textContent('#scaled-time');
  assert.match(scaled, /time_scale=0\.1.*own time: 4\.\d\d s/);
});

test('bad knob values in the link and in the form get a clear note, and the page still runs', async () => {
  for (const [id, lesson] of Object.entries(LESSONS)) {
    const [knob, min, max] = lesson.number;
    await page.goto(`${server.url}?lesson=${id}&${knob}=99999999&colour=red`);
    await page.waitForSelector('#link-notes');
    const notes = await page.textContent('#link-notes');
    assert.match(notes, new RegExp(`${knob}=99999999.*out of range.*${min} to ${max}.*using ${max}`), `${id}: ${notes}`);
    assert.match(notes, /colour/, `${id}: ${notes}`);
    assert.equal(await page.inputValue(`#knob-${knob}`), String(max));
    await page.fill(`#knob-${knob}`, '-3');
    await page.press(`#knob-${knob}`, 'Enter');
    await page.waitForFunction((k) => new RegExp(`${k}=-3`).test(document.querySelector('#form-notes')?.textContent ?? ''), knob);
    assert.equal(await page.inputValue(`#knob-${knob}`), String(min));
  }
  assert.deepEqual(errors, []);
});
