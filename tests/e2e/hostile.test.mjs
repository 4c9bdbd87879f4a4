// The page against a hostile host and a curious learner: another site that frames it and
// posts messages to it, links with absurd values, lessons switched in the middle of a run,
// outputs of hundreds of thousands of lines, a worker that dies or hangs. Each test is
// named after what broke before it was fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, runAndWait, CSP } from './support.mjs';
import { withoutServiceWorkers } from './static-server.mjs';

let app, host, isolated, plain, browser;

// What an attacker's module does if it ever runs inside Interleave's origin: tell its host.
const PAYLOAD = "parent.postMessage('injected:' + location.origin, '*');";

before(async () => {
  app = await serve({ isolated: false, documentIsolated: true });
  host = await serve({
    isolated: false,
    pages: {
      '/host.html': `<!doctype html><title>A hostile host</title>
        <script>
          window.heard = [];
          addEventListener('message', (e) => { if (typeof e.data === 'string') heard.push(e.data); });
        </script>
        <iframe id="play" src="${app.url}" width="1000" height="800"></iframe>`,
    },
    // A module the attacker serves to anyone, CORS and CORP included.
    modules: { '/evil.mjs': PAYLOAD },
  });
  isolated = await serve({ isolated: true });
  plain = await serve({ isolated: false });
  browser = await launch();
  // Its service worker would isolate the plain page (deploy.test.mjs tests that).
  await withoutServiceWorkers(browser.context, plain.url);
});

after(async () => {
  await browser?.close();
  await app?.close();
  await host?.close();
  await isolated?.close();
  await plain?.close();
});

async function hostPage() {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${host.url}host.html`);
  const frame = page.frameLocator('#play');
  await frame.locator('#lesson-index').waitFor({ timeout: 30_000 });
  return { page, frame, errors };
}

test('code from another origin: the init message of the pool helper runs no module in the page', async () => {
  const { page } = await hostPage();
  // The message wasm-bindgen-rayon's helper waits for, naming the attacker's module: once
  // as a `data:` module, once as a remote one.
  await page.evaluate(({ payload, remote }) => {
    const frame = document.getElementById('play').contentWindow;
    for (const mainJS of [`data:text/javascript,${encodeURIComponent(payload)}`, remote]) {
      frame.postMessage({ type: 'wasm_bindgen_worker_init', mainJS, module: null, memory: null, receiver: 0 }, '*');
    }
  }, { payload: PAYLOAD, remote: `${host.url}evil.mjs` });
  // Give an import every chance to happen.
  await page.waitForTimeout(2_000);
  assert.deepEqual(await page.evaluate(() => window.heard), [], 'no module from the message may run in the page');
  // Nor is the helper in the page's own scripts at all (only the engine worker loads it).
  const frame = page.frames().find((f) => f.url().startsWith(app.url));
  const own = await frame.evaluate(async () => {
    const html = document.documentElement.outerHTML;
    const scripts = await Promise.all([...document.scripts].map((s) => fetch(s.src).then((r) => r.text())));
    const app = scripts.join('\n').match(/["']\.\/(app-[^"']+\.js)["']/);
    return html + scripts.join('\n') + (app ? await fetch(app[1]).then((r) => r.text()) : 'no app script');
  });
  assert.doesNotMatch(own, /workerHelpers|no app script/);
  await page.close();
});

test('code from another origin: the page is served with a Content-Security-Policy that forbids inline and foreign script', async () => {
  const page = await browser.context.newPage();
  const response = await page.goto(app.url);
  assert.equal(response.headers()['content-security-policy'], CSP);
  for (const directive of ["script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "base-uri 'none'"]) {
    assert.ok(CSP.includes(directive), directive);
  }
  assert.ok(!/script-src[^;]*(data:|unsafe-inline|\*)/.test(CSP), CSP);
  // The page still starts under it (its loader is a file, not inline script) and runs.
  await page.waitForSelector('#lesson-index');
  const blocked = [];
  page.on('console', (m) => /Content Security Policy/i.test(m.text()) && blocked.push(m.text()));
  // A script injected from outside is refused by the policy.
  const ran = await page.evaluate(async (payload) => {
    window.injected = false;
    const s = document.createElement('script');
    s.src = `data:text/javascript,${encodeURIComponent('window.injected = true;')}`;
    document.head.append(s);
    await new Promise((r) => setTimeout(r, 300));
    return window.injected;
  }, PAYLOAD);
  assert.equal(ran, false, 'a data: script ran');
  await page.close();
});

// Runs that last seconds, per kind of lesson and engine, and a lesson of each kind to go to.
const LONG_RUNS = {
  sim: {
    threads: 'lesson=race_counter&gil=off&increments=4000000',
    processes: 'lesson=shared_value&increments=1000000&processes=12',
  },
  live: {
    threads: 'lesson=race_counter&gil=off&lock=each&increments=10000000',
    processes: 'lesson=pool_map&time_scale=1',
  },
};
const DESTINATIONS = { threads: 'dining_philosophers', processes: 'process_basics' };

test('opening another lesson during a run: the run is cancelled, its result dropped, and the page lives on', async () => {
  for (const engine of ['sim', 'live']) {
    for (const [from, link] of Object.entries(LONG_RUNS[engine])) {
      for (const [to, lesson] of Object.entries(DESTINATIONS)) {
        const where = `${engine}: ${from} lesson during its run -> ${to} lesson (${lesson})`;
        const { page, errors } = await openPage(browser.context, `${isolated.url}?${link}&engine=${engine}`);
        await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
        await page.click('#run');
        await page.waitForSelector('#run-progress', { timeout: 10_000 });
        await page.click('a.back');
        await page.click(`#lesson-index a[data-lesson="${lesson}"]`);
        await page.waitForSelector(`#lesson[data-lesson="${lesson}"]`);
        // The old run ends (cancelled) without a word on this page, and this lesson runs.
        const headline = await runAndWait(page, 60_000);
        assert.ok(headline.length > 0, where);
        assert.equal(await page.getAttribute('#findings', 'data-lesson'), lesson, where);
        // The page still answers: the language switch works.
        await page.click('button[data-lang="ko"]');
        await page.waitForFunction(() => document.documentElement.lang === 'ko');
        assert.deepEqual(errors, [], where);
        await page.close();
      }
    }
  }
});

test('a huge console (lock_print, 100 000 iterations) keeps the page responsive and can be downloaded whole', async () => {
  for (const engine of ['sim', 'live']) {
    const { page, errors } = await openPage(browser.context, `${isolated.url}?lesson=lock_print&iterations=100000&lock=off&engine=${engine}`);
    await page.evaluate(() => {
      window.longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await runAndWait(page, 120_000);
    // 400 000 lines were printed; the findings count every pair (the worker judged the
    // whole output), and the page keeps the first lines and the last, and says so.
    const figures = Object.fromEntries((await page.getAttribute('#findings', 'data-figures')).split(';').map((p) => p.split('=')));
    assert.equal(Number(figures.together) + Number(figures.split), 200_000, `${engine}: ${JSON.stringify(figures)}`);
    assert.match(await page.textContent('#console-omitted'), /[\d ]+ lines are not shown/, engine);
    const rows = await page.locator('#console .row').count();
    assert.ok(rows < 200, `${engine}: ${rows} console rows drawn`);
    // A timer set now fires on time: the main thread is free.
    const late = await page.evaluate(() => new Promise((resolve) => {
      const start = performance.now();
      setTimeout(() => resolve(performance.now() - start - 50), 50);
    }));
    assert.ok(late < 50, `${engine}: a timer fired ${late} ms late`);
    const longest = await page.evaluate(() => window.longest);
    assert.ok(longest < 200, `${engine}: a main-thread task took ${longest} ms`);
    // Scrolling to the end shows the last lines, and still only the rows in sight.
    await page.$eval('#console', (c) => { c.scrollTop = c.scrollHeight; });
    await page.waitForFunction(() => !document.querySelector('#console-gap') && /Executing the/.test(document.querySelector('#console').textContent));
    assert.ok((await page.locator('#console .row').count()) < 200, engine);
    // The whole output downloads as a file.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#console-download')]);
    const text = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
    assert.equal(text.split('lock acquired').length - 1, 200_000, `${engine}: the download has every pair`);
    assert.deepEqual(errors, [], engine);
    await page.close();
  }
});

test('a worker that hangs, or whose pool threads all hang, is noticed and replaced without Cancel', async () => {
  for (const [hook, reason] of [['hangWorker', /stopped answering/], ['stallPool', /thread pool stopped taking work/]]) {
    const { page, errors } = await openPage(browser.context, `${isolated.url}?lesson=race_counter&threads=2&increments=1000`);
    await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
    const before = Date.now();
    await page.evaluate((h) => window.__interleave[h](), hook);
    await page.waitForSelector('#worker-restarted', { timeout: 8_000 });
    const noticed = Date.now() - before;
    assert.match(await page.textContent('#worker-restarted'), reason, hook);
    assert.ok(noticed < 4_000, `${hook}: noticed after ${noticed} ms`);
    // The fresh worker runs the lesson.
    assert.match(await runAndWait(page), /update/, hook);
    assert.deepEqual(errors.filter((e) => !/panic|unreachable/i.test(e)), [], hook);
    await page.close();
  }
});

test('a link with thousands of bad values, long ones and right-to-left controls gets a few short, clean notes', async () => {
  let link = `${isolated.url}?lesson=race_counter&threads=${'9'.repeat(3000)}&seed=%E2%80%AEevil%E2%80%AC`;
  for (let i = 0; i < 3000; i++) link += `&x${i}=${i}`;
  const { page, errors } = await openPage(browser.context, link);
  await page.waitForSelector('#link-notes');
  const notes = await page.$$eval('#link-notes li', (items) => items.map((li) => li.textContent));
  assert.equal(notes.length, 9, notes.join('\n'));
  assert.match(notes[8], /and 2\s994 more settings/);
  for (const note of notes) {
    assert.ok(note.length < 400, note);
    assert.doesNotMatch(note, /[\u202a-\u202e\u2066-\u2069]/, 'no bidirectional control reaches the page');
  }
  assert.match(notes.join('\n'), /seed=evil/);
  // The page works: the lesson runs.
  assert.ok((await runAndWait(page)).length > 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the stepper opens and steps on a page without cross-origin isolation, even with engine=live in the link', async () => {
  const { page, errors } = await openPage(browser.context, `${plain.url}?lesson=race_counter&engine=live&threads=2&increments=2`);
  await page.waitForSelector('#open-stepper:not([disabled])', { timeout: 30_000 });
  await page.click('#open-stepper');
  await page.waitForSelector('#stepper');
  await page.click('#step');
  await page.waitForFunction(() => Number(document.querySelector('#stepper').dataset.turns) > 0);
  await page.click('#step-end');
  await page.waitForSelector('#stepper[data-over="true"]');
  assert.match(await page.textContent('#headline'), /counter|update/);
  assert.deepEqual(errors, []);
  await page.close();
});
