// Shared by the end-to-end tests and the browser benchmark: serve the built page (with or
// without the cross-origin isolation headers) on loopback, and drive Debian's Chromium.
import { createServer } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

export const DIST = process.env.INTERLEAVE_DIST || join(import.meta.dirname, '..', '..', 'target', 'e2e-dist');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** The page's Content-Security-Policy, as the dev server and www/_headers send it (a native
 * test checks the three agree). */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self'; img-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'";

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Serves DIST on 127.0.0.1 at a free port; `isolated` adds COOP/COEP; `documentIsolated`
 * adds only Document-Isolation-Policy (how a framed page isolates itself); `pages` maps
 * extra paths to HTML bodies (host pages for embedding tests); `modules` maps paths to
 * JavaScript any origin may load (an attacker's modules). */
export async function serve({ isolated, documentIsolated = false, pages = {}, modules = {} }) {
  // Links may be long (the hostile tests send thousands of parameters).
  const server = createServer({ maxHeaderSize: 1 << 20 }, async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (pages[path]) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(pages[path]);
      return;
    }
    if (modules[path]) {
      res.writeHead(200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      });
      res.end(modules[path]);
      return;
    }
    const file = normalize(join(DIST, path.endsWith('/') ? path + 'index.html' : path));
    if (!file.startsWith(DIST)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': CSP,
        'Cross-Origin-Resource-Policy': 'cross-origin',
        ...(isolated ? ISOLATION : {}),
        ...(documentIsolated ? { 'Document-Isolation-Policy': 'isolate-and-credentialless' } : {}),
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** Debian's Chromium, headless, with a fresh profile and no background network. */
export async function launch() {
  const profile = await mkdtemp(join(tmpdir(), 'interleave-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A new page that records page errors and console errors for the test to check. */
export async function openPage(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return { page, errors };
}

/** Clicks Run on the lesson open in `page` and waits for this run's findings (each run's
 * number is in `#findings[data-run]`, so a previous run's never count); returns the
 * headline. */
export async function runAndWait(page, timeout = 120_000) {
  await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 });
  const before = await page.evaluate(() => document.querySelector('#findings')?.dataset.run ?? null);
  await page.click('#run');
  await page.waitForFunction(
    (b) => {
      const findings = document.querySelector('#findings');
      return findings && findings.dataset.run !== b && !document.querySelector('#cancel:not([disabled])');
    },
    before,
    { timeout },
  );
  return (await page.textContent('#headline')).trim();
}

/** The lesson's figures of the run on show, by name. */
export async function figuresOf(page) {
  const attr = await page.getAttribute('#findings', 'data-figures');
  return Object.fromEntries(attr.split(';').map((p) => p.split('=')).map(([k, v]) => [k, Number(v)]));
}
