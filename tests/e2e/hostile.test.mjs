// The page against a hostile host and a curious learner: another site that frames it and
// posts messages to it, links with absurd values, lessons switched in the middle of a run,
// outputs of hundreds of thousands of lines, a worker that dies or hangs. Each test is
// named after what broke before it was fixed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, CSP } from './support.mjs';

let app, host, browser;

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
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await host?.close();
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
    const app = scripts.join('\n').match(/from '\.\/(app-[^']+\.js)'/);
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
