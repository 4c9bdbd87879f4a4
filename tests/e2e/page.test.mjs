// End-to-end tests of the built page in headless Chromium: isolation, the engine worker
// and its pool, the language switch, bad links, Cancel and recovery after a panic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage } from './support.mjs';
import { withoutServiceWorkers } from './static-server.mjs';

let isolated, plain, browser;

before(async () => {
  isolated = await serve({ isolated: true });
  plain = await serve({ isolated: false });
  browser = await launch();
  // Its service worker would isolate the plain page (deploy.test.mjs tests that).
  await withoutServiceWorkers(browser.context, plain.url);
});

after(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
});

async function ready(page) {
  await page.waitForSelector('#worker-status.ready', { timeout: 30_000 });
}

test('the page loads cross-origin isolated, with the index and a ready pool, and no errors', async () => {
  const { page, errors } = await openPage(browser.context, isolated.url);
  await page.waitForSelector('#lesson-index');
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  await ready(page);
  assert.match(await page.textContent('#worker-status'), /18 pool threads/);
  assert.equal(await page.locator('#isolation-banner').count(), 0);
  assert.equal(await page.locator('#link-notes').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a bug that stops the page\'s own code says so in a banner, in the page\'s language', async () => {
  for (const [lang, says] of [['en', /stopped working because of a bug \(unreachable\)/], ['ko', /버그 때문에 페이지가 멈췄습니다/]]) {
    const { page } = await openPage(browser.context, `${isolated.url}?lesson=race_counter&lang=${lang}`);
    await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
    assert.equal(await page.locator('#page-panic').count(), 0);
    // Outside any caller, as a bug in an event handler would be: the trap goes unhandled.
    await page.evaluate(() => setTimeout(() => window.__interleave.panicPage()));
    await page.waitForSelector('#page-panic', { timeout: 10_000 });
    assert.match(await page.textContent('#page-panic'), says);
    assert.equal(await page.getAttribute('#page-panic', 'role'), 'alert');
    await page.close();
  }
});

test('the language switch changes every visible string, the link and <html lang>', async () => {
  const { page, errors } = await openPage(browser.context, isolated.url);
  await page.waitForSelector('#lesson-index');
  const english = await page.textContent('body');
  await page.click('button[data-lang="ko"]');
  await page.waitForFunction(() => document.documentElement.lang === 'ko');
  assert.match(page.url(), /[?&]lang=ko\b/);
  const korean = await page.textContent('body');
  assert.notEqual(korean, english);
  assert.match(await page.textContent('.tagline'), /스레드/);
  assert.match(await page.textContent('#lesson-index h2'), /레슨/);
  // The link alone brings Korean back.
  await page.goto(page.url());
  await page.waitForSelector('#lesson-index');
  assert.match(await page.textContent('#lesson-index h2'), /레슨/);
  await page.click('button[data-lang="en"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.doesNotMatch(page.url(), /lang=/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link with bad values shows a clear note for each and the page still works', async () => {
  const { page, errors } = await openPage(browser.context, `${isolated.url}?lesson=nope&threads=-1&threads=abc&seed=1e999`);
  await page.waitForSelector('#link-notes');
  const notes = await page.textContent('#link-notes');
  assert.match(notes, /no lesson nope/);
  assert.match(notes, /threads is given more than once/);
  assert.match(notes, /seed=1e999 is not a number/);
  // Echoed link text is set as code, not shown with raw backticks.
  assert.equal(await page.locator('#link-notes code', { hasText: 'seed=1e999' }).count(), 1);
  assert.doesNotMatch(notes, /`/);
  await page.waitForSelector('#lesson-index');
  await ready(page);
  // The broken values are not written back into the link.
  assert.doesNotMatch(page.url(), /nope|1e999|abc/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('served without the isolation headers, the page shows the banner and everything else works', async () => {
  const { page, errors } = await openPage(browser.context, plain.url);
  await page.waitForSelector('#isolation-banner');
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  assert.match(await page.textContent('#isolation-banner'), /cross-origin isolation/);
  await page.waitForSelector('#worker-status.waiting');
  await page.waitForFunction(() => /without live threads/.test(document.querySelector('#worker-status').textContent));
  await page.click('button[data-lang="ko"]');
  await page.waitForFunction(() => /격리/.test(document.querySelector('#isolation-banner').textContent));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the pool check runs real work on distinct pool threads, from the page', async () => {
  const { page, errors } = await openPage(browser.context, isolated.url);
  await ready(page);
  await page.click('#probe-run');
  await page.waitForSelector('#probe-results tr[data-jobs="2"]', { timeout: 60_000 });
  const distinct = Number(await page.getAttribute('#probe-results tr[data-jobs="2"]', 'data-distinct'));
  assert.ok(distinct >= 2, `two jobs ran on ${distinct} distinct pool thread(s)`);
  await page.waitForSelector('figure.timeline svg rect.span.run');
  assert.match(await page.textContent('figure.timeline figcaption'), /measured on \d+ threads of this machine/);
  await page.waitForSelector('#probe-run:not([disabled])', { timeout: 60_000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('Cancel ends a run at once, and the next run works', async () => {
  const { page, errors } = await openPage(browser.context, isolated.url);
  await ready(page);
  await page.click('#probe-run');
  await page.waitForSelector('#probe-progress');
  await page.click('#probe-cancel');
  await page.waitForSelector('#probe-cancelled', { timeout: 5_000 });
  // Cancel landed through the control block: no restart was needed.
  assert.equal(await page.locator('#worker-restarted').count(), 0);
  await page.click('#probe-run');
  await page.waitForSelector('#probe-results tr[data-jobs="1"]', { timeout: 60_000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a panic on a pool thread is reported, the worker is restarted, and the next run works', async () => {
  const { page, errors } = await openPage(browser.context, isolated.url);
  await ready(page);
  await page.evaluate(() => window.__interleave.panicWorker());
  await page.waitForSelector('#worker-restarted', { timeout: 10_000 });
  assert.match(await page.textContent('#worker-restarted'), /panicked/);
  await ready(page);
  await page.click('#probe-run');
  await page.waitForSelector('#probe-results tr[data-jobs="2"]', { timeout: 60_000 });
  // The panic itself is logged by the worker; nothing else may fail.
  assert.deepEqual(errors.filter((e) => !/panic|unreachable/i.test(e)), []);
  await page.close();
});
