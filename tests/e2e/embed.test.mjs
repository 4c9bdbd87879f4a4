// Embedding: a tutorial site that is not cross-origin isolated frames the playground. The
// framed page isolates itself with Document-Isolation-Policy and runs live threads; served
// without any isolation header, it runs the simulated engine and says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch } from './support.mjs';
import { withoutServiceWorkers } from './static-server.mjs';

let app, plainApp, host, browser;

before(async () => {
  app = await serve({ isolated: false, documentIsolated: true });
  // A host that sends no isolation headers at all for the playground either.
  plainApp = await serve({ isolated: false });
  const frame = `${app.url}?lesson=race_counter&engine=live&threads=2&increments=20000&lock=each`;
  const plainFrame = `${plainApp.url}?embed=1&lesson=race_counter&engine=live&threads=2&increments=20000`;
  host = await serve({
    isolated: false,
    pages: {
      '/tutorial.html': `<!doctype html><title>A tutorial</title><h1>Threads</h1><iframe id="play" src="${frame}" width="1000" height="900"></iframe>`,
      '/plain.html': `<!doctype html><title>A tutorial</title><iframe id="play" src="${plainFrame}" width="1000" height="900"></iframe>`,
    },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await plainApp?.close();
  await host?.close();
});

test('the playground in an iframe of a non-isolated page is isolated and runs live', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${host.url}tutorial.html`);
  assert.equal(await page.evaluate(() => crossOriginIsolated), false, 'the host page itself is not isolated');
  const frame = page.frameLocator('#play');
  await frame.locator('#run:not([disabled])').waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('#isolation-banner').count(), 0);
  await frame.locator('#run').click();
  await frame.locator('#findings').waitFor({ timeout: 60_000 });
  assert.match(await frame.locator('#headline').textContent(), /No update lost/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an embed that cannot be isolated runs the simulated engine and says so in one line, with the link out', async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // No service workers either: nothing can make this frame isolated.
  await withoutServiceWorkers(browser.context, plainApp.url);
  await page.goto(`${host.url}plain.html`);
  const frame = page.frameLocator('#play');
  await frame.locator('#run:not([disabled])').waitFor({ timeout: 30_000 });
  await frame.locator('#embed-sim-only').waitFor();
  assert.equal(await frame.locator('#embed-sim-only').count(), 1);
  assert.match(await frame.locator('#open-full').getAttribute('href'), /lesson=race_counter/);
  await frame.locator('#run').click();
  await frame.locator('#findings').waitFor({ timeout: 60_000 });
  assert.match(await frame.locator('#summary').textContent(), /simulated/i);
  assert.deepEqual(errors, []);
  await page.close();
});
