// Takes a screenshot of the built page, for looking at UI changes:
//   node tests/e2e/screenshot.mjs OUT.png [QUERY] [--plain] [--probe] [--lang=ko]
// --plain serves without isolation headers; --probe runs the pool check first;
// --run presses Run on a lesson page and waits for the result; --click=SELECTOR (repeatable)
// clicks each in turn, then --wait=SELECTOR waits for one to appear.
import { serve, launch, openPage } from './support.mjs';

const [out, query = ''] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith('--')));
const valued = (name) =>
  process.argv.slice(2).filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
const server = await serve({ isolated: !flags.has('--plain') });
const browser = await launch();
try {
  const { page, errors } = await openPage(browser.context, server.url + query);
  await page.waitForSelector('#lesson-index, #lesson');
  const onLesson = (await page.locator('#lesson').count()) > 0;
  if (!flags.has('--plain')) {
    await page.waitForSelector(onLesson ? '#run:not([disabled])' : '#worker-status.ready', { timeout: 30_000 });
  }
  if (flags.has('--run')) {
    await page.click('#run');
    await page.waitForSelector('#summary', { timeout: 120_000 });
  }
  if (flags.has('--probe')) {
    await page.click('#probe-run');
    await page.waitForSelector('#probe-run:not([disabled])', { timeout: 120_000 });
  }
  for (const selector of valued('click')) {
    await page.click(selector);
    await page.waitForTimeout(300);
  }
  for (const selector of valued('wait')) {
    await page.waitForSelector(selector, { timeout: 120_000 });
  }
  await page.screenshot({ path: out, fullPage: true });
  if (errors.length) console.error(errors.join('\n'));
} finally {
  await browser.close();
  await server.close();
}
