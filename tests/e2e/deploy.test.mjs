// Deploying anywhere static: the build under a sub-path of a plain host that sends no
// headers (the service worker isolates the page with one reload, and keeps it working
// offline), a host that sends the headers of _headers (no reload), browsers without service
// workers, and `load=click` (a poster, and nothing of the app fetched before the click).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, runAndWait, CSP, DIST } from './support.mjs';
import { serveStatic, headersFile, withoutServiceWorkers } from './static-server.mjs';

const LIVE = '?lesson=race_counter&engine=live&threads=2&increments=1000';
const SIM = '?lesson=race_counter&engine=sim&threads=2&increments=1000';

/** A fresh browser and host for one test (service workers are per origin and profile). */
async function setUp(options) {
  const host = await serveStatic(options);
  const browser = await launch();
  return { host, browser, async close() { await browser.close(); await host.close(); } };
}

/** A page that counts its document loads (a reload is one more) and records its errors. */
async function countingPage(context) {
  const page = await context.newPage();
  const seen = { loads: 0, errors: [] };
  page.on('load', () => seen.loads++);
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && seen.errors.push(m.text()));
  page.on('dialog', (d) => {
    seen.errors.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  return { page, seen };
}

const sw = (page) => page.evaluate(() => document.documentElement.dataset.sw ?? null);

test('a sub-path of a host without headers: one reload isolates the page, live threads run, and offline it still works', async () => {
  const { host, browser, close } = await setUp();
  try {
    const { page, seen } = await countingPage(browser.context);
    await page.goto(host.url + LIVE);
    await page.waitForFunction(() => crossOriginIsolated && document.querySelector('#run:not([disabled])'), null, { timeout: 60_000 });
    // Nothing more is coming: still the one reload a while later.
    await page.waitForTimeout(1_500);
    assert.equal(seen.loads, 2, 'the first load and exactly one reload');
    assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation')[0].type), 'reload');
    assert.equal(await sw(page), 'active');
    assert.match(await runAndWait(page, 60_000), /No update lost/);
    // The headers came from the worker, and are those of _headers (the CSP the tests share).
    const want = headersFile(await readFile(join(DIST, '_headers'), 'utf8'));
    const got = await page.evaluate(() => fetch(location.href).then((r) => Object.fromEntries(r.headers)));
    for (const [name, value] of Object.entries(want)) assert.equal(got[name.toLowerCase()], value, name);
    assert.equal(got['content-security-policy'], CSP);
    // Only the build's own files get them: another page of the site under the same path
    // comes as its host sent it (a 404 here, which the console reports).
    assert.deepEqual(seen.errors, []);
    const other = await page.evaluate(() => fetch('./not-part-of-the-build.html').then((r) => [r.status, r.headers.get('cross-origin-embedder-policy')]));
    assert.deepEqual(other, [404, null]);
    // Everything the page loaded, the pool's helper included, came from under the sub-path.
    const base = new URL(host.url).pathname;
    assert.deepEqual(host.log.filter((p) => !p.startsWith(base)), []);

    // Offline (the browser's switch does not reach service workers, so the host goes too).
    host.setDown(true);
    await browser.context.setOffline(true);
    await page.reload();
    await page.waitForSelector('#lesson[data-lesson="race_counter"]', { timeout: 30_000 });
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    await page.goto(host.url + SIM);
    assert.match(await runAndWait(page, 60_000), /No update lost/);
    assert.deepEqual(seen.errors.filter((e) => !/404/.test(e)), []);
  } finally {
    await close();
  }
});

test('a host that sends the headers of _headers: the service worker comes in for offline use without a reload', async () => {
  const { host, browser, close } = await setUp({ withHeadersFile: true });
  try {
    const { page, seen } = await countingPage(browser.context);
    await page.goto(host.url + LIVE);
    await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    // Registered after the app started, and active once the build is cached.
    await page.waitForFunction(() => document.documentElement.dataset.sw === 'active', null, { timeout: 30_000 });
    await page.waitForTimeout(1_500);
    assert.equal(seen.loads, 1, 'no reload');
    assert.match(await runAndWait(page, 60_000), /No update lost/);
    // The offline copy is there.
    host.setDown(true);
    await page.goto(host.url + SIM);
    assert.match(await runAndWait(page, 60_000), /No update lost/);
    assert.deepEqual(seen.errors, []);
  } finally {
    await close();
  }
});

test('a page still not isolated after its reload stays as it is: no reload loop', async () => {
  const { host, browser, close } = await setUp();
  try {
    const { page, seen } = await countingPage(browser.context);
    // The worker registers and activates, but never serves this page (as when a browser
    // setting bypasses it): the reload cannot bring isolation.
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setBypassServiceWorker', { bypass: true });
    await page.goto(host.url + SIM);
    await page.waitForSelector('#run:not([disabled])', { timeout: 60_000 });
    await page.waitForTimeout(3_000);
    assert.equal(seen.loads, 2, 'the first load and one reload, no more');
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    assert.equal(await sw(page), 'active');
    assert.match(await runAndWait(page, 60_000), /No update lost/);
    assert.deepEqual(seen.errors, []);
  } finally {
    await close();
  }
});

test('without service workers, or when registering fails, the page starts unisolated without a reload and says why', async () => {
  for (const [label, options, expected] of [
    ['no service workers', {}, 'unavailable'],
    ['sw.js missing', { missing: ['sw.js'] }, 'failed'],
  ]) {
    const { host, browser, close } = await setUp(options);
    try {
      if (expected === 'unavailable') await withoutServiceWorkers(browser.context, host.url);
      const { page, seen } = await countingPage(browser.context);
      await page.goto(host.url + SIM);
      await page.waitForFunction((v) => document.documentElement.dataset.sw === v, expected, { timeout: 30_000 });
      assert.match(await runAndWait(page, 60_000), /No update lost/, label);
      assert.equal(seen.loads, 1, label);
      assert.equal(await page.evaluate(() => crossOriginIsolated), false, label);
      assert.deepEqual(seen.errors.filter((e) => !/sw\.js|404/.test(e)), [], label);
    } finally {
      await close();
    }
  }
});

test('load=click: a poster with the lesson id as text, nothing of the app fetched before the click, then the app', async () => {
  const cases = [
    // A host without headers: the click registers the worker, the page reloads once, and
    // the app starts without a second click.
    { options: {}, query: '?lesson=race_counter&load=click', lesson: 'race_counter', button: '▶ Load and run', app: '#lesson' },
    { options: { withHeadersFile: true }, query: `?lesson=${encodeURIComponent('<img src=x onerror=alert(1)>')}&load=click&lang=ko`, lesson: 'imgsrcxonerroralert', button: '▶ 불러와 실행', app: '#lesson-index' },
  ];
  for (const { options, query, lesson, button, app } of cases) {
    const { host, browser, close } = await setUp(options);
    try {
      const { page, seen } = await countingPage(browser.context);
      const requests = [];
      page.on('request', (r) => requests.push(new URL(r.url()).pathname));
      await page.goto(host.url + query);
      await page.waitForSelector('#poster-load');
      await page.waitForTimeout(1_000);
      // Before the click: the page, its style and icon, the start-up script; nothing else,
      // from the page or from a service worker (the host's log has both).
      const fetched = [...requests, ...host.log].map((p) => p.slice(new URL(host.url).pathname.length));
      assert.deepEqual(fetched.filter((p) => /\.wasm$/.test(p)), [], query);
      assert.deepEqual(fetched.filter((p) => /\.js$/.test(p) && !/^init-[0-9a-f]{16}\.js$/.test(p)), [], query);
      assert.equal(await page.textContent('#poster-lesson'), lesson, query);
      assert.equal(await page.locator('#poster img, #poster script').count(), 0, query);
      assert.equal((await page.textContent('#poster-load')).trim(), button, query);
      assert.equal(await sw(page), null, 'nothing decided before the click');

      await page.click('#poster-load');
      await page.waitForSelector(app, { timeout: 60_000 });
      assert.equal(await page.locator('#poster').count(), 0, query);
      assert.equal(seen.loads, options.withHeadersFile ? 1 : 2, 'a reload only where the host does not isolate');
      assert.ok(host.log.some((p) => p.endsWith('.wasm')), 'the app loads after the click');
      // Where the host isolates the page, the worker registers once the app is up.
      await page.waitForFunction(() => document.documentElement.dataset.sw === 'active', null, { timeout: 30_000 });
      assert.deepEqual(seen.errors, [], query);
    } finally {
      await close();
    }
  }
});
