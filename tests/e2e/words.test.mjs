// The Korean page says everything in Korean: a walk through every page state (tour.mjs) in
// Korean finds no English word outside code, identifiers (thread names, knob ids, marked
// `translate="no"`) and units. Text nodes and the attributes a person meets (tooltips, labels
// for screen readers, placeholders) are read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage } from './support.mjs';
import { tour } from './tour.mjs';
import { scanEnglish } from './scan-english.mjs';

// Units, and names that are the same in both languages: acronyms and the product's name.
const ALLOWED = ['ms', 'KB', 'MB', 'GIL', 'CPU', 'CSV', 'SVG', 'JSON', 'URL', 'API', 'pid', 'Interleave', 'CPython'];

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

test('every page state in Korean shows no English outside code, identifiers and units', async () => {
  const found = [];
  const states = [];
  await tour(page, server.url, 'ko', async (state) => {
    states.push(state);
    for (const f of await page.evaluate(scanEnglish, ALLOWED)) found.push(`[${state}] ${f.where}: "${f.word}" in "${f.text}"`);
  });
  assert.ok(states.length >= 30, `${states.length} states`);
  assert.deepEqual([...new Set(found)], []);
  assert.deepEqual(errors, []);
});

test('the scan finds English where there is some', async () => {
  await page.goto(`${server.url}?lesson=race_counter&lang=ko`);
  await page.waitForSelector('#run');
  await page.evaluate(() => {
    const p = document.createElement('p');
    p.textContent = '스레드 waits here';
    p.title = '락 holder';
    document.querySelector('#lesson').append(p);
  });
  const words = (await page.evaluate(scanEnglish, ALLOWED)).map((f) => f.word);
  assert.deepEqual(words.sort(), ['here', 'holder', 'waits']);
});
