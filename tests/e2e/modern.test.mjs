// The Modern Python lessons in headless Chromium, each claim read from the page after a run
// on the engine it names: pickling errors as CPython raises them, forkserver's cheap later
// starts, free-threaded lists and counters, and what the run summary says of the build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, runAndWait, figuresOf } from './support.mjs';

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

const open = async (query) => {
  await page.goto(`${server.url}?${query}`);
  return runAndWait(page);
};

test('a lambda target raises CPython\'s pickling error in p.start() under spawn and forkserver, and runs under fork, on both engines', async () => {
  for (const engine of ['sim', 'live']) {
    for (const method of ['spawn', 'forkserver']) {
      const headline = await open(`lesson=pickling&engine=${engine}&start_method=${method}`);
      assert.match(headline, /^p\.start\(\) raised AttributeError/, `${engine} ${method}`);
      const console = await page.textContent('#console');
      assert.match(console, /Traceback \(most recent call last\):/, `${engine} ${method}: ${console}`);
      assert.match(console, /AttributeError: Can't pickle local object 'main\.<locals>\.<lambda>'/);
      assert.doesNotMatch(console, /child got/);
    }
    const headline = await open(`lesson=pickling&engine=${engine}&start_method=fork`);
    assert.match(headline, /^The child ran and printed child got int/, engine);
  }
  // Python 3.14's default start method is forkserver: the same program fails there.
  assert.match(await open('lesson=pickling&python=3.14'), /^p\.start\(\) raised _pickle\.PicklingError/);
  assert.match(await page.textContent('#findings'), /no Python 3\.14 to measure/);
  assert.deepEqual(errors, []);
});

test('under forkserver the first process starts the server and the later ones start faster, on both engines', async () => {
  for (const engine of ['sim', 'live']) {
    await open(`lesson=threads_vs_processes&engine=${engine}&kind=forkserver&count=3`);
    const { first_start_us: first, later_start_us: later } = await figuresOf(page);
    assert.ok(first > 3 * later, `${engine}: first ${first} µs, later ${later} µs`);
  }
  assert.deepEqual(errors, []);
});

test('list.append from 8 free-threaded threads keeps every item while counter += 1 loses updates, and the summary names the build', async () => {
  const headline = await open('lesson=free_threading&python=3.13t&increments=3000');
  assert.match(headline, /^Python 3\.13t: items\.append kept 24.000 of 24.000 items; counter \+= 1 lost \d/);
  const figures = await figuresOf(page);
  assert.equal(figures.items_lost, 0);
  assert.ok(figures.lost > 0, `lost ${figures.lost}`);
  const build = await page.textContent('#python-build');
  assert.match(build, /Python 3\.13t · sys\._is_gil_enabled\(\) = False · Python code 40% slower per thread: modelled from CPython's documentation/);
  // On real threads the list keeps every item whatever the threads' overlap.
  await open('lesson=free_threading&engine=live&gil=off&increments=20000');
  assert.equal((await figuresOf(page)).items_lost, 0);
  assert.match(await page.textContent('#python-build'), /Python 3\.13t/);
  // With the GIL nothing is lost, and 3.11 has no sys._is_gil_enabled().
  assert.match(await open('lesson=free_threading'), /^Python 3\.11: 40.000 of 40.000 items kept, and the counter is exact/);
  assert.match(await page.textContent('#python-build'), /came in 3\.13/);
  assert.deepEqual(errors, []);
});

test('Future.result() raises the task\'s exception again with its line, and as_completed yields in completion order, on both engines', async () => {
  for (const engine of ['sim', 'live']) {
    for (const executor of ['thread', 'process']) {
      const headline = await open(`lesson=futures&engine=${engine}&executor=${executor}&fail=2`);
      assert.match(headline, /^Task 2 raised ValueError; fut\.result\(\) raised it again in the main thread/, `${engine} ${executor}`);
      assert.match(await page.textContent('#console'), /Traceback \(most recent call last\):.*ValueError: bad input 2/s);
    }
    assert.match(await open(`lesson=futures&engine=${engine}`), /results in completion order 2, 5, 1, 4, 0, 3/, engine);
    assert.equal((await figuresOf(page)).in_order, 0, engine);
    assert.match(await open(`lesson=futures&engine=${engine}&method=map`), /results in submission order 0, 1, 2, 3, 4, 5/, engine);
  }
  assert.deepEqual(errors, []);
});

test('asyncio: an await between the read and the write loses updates, none without it, and a blocking sleep delays every task, on both engines', async () => {
  for (const engine of ['sim', 'live']) {
    await open(`lesson=asyncio_vs_threads&engine=${engine}`);
    assert.equal((await figuresOf(page)).lost, 900, engine);
    await open(`lesson=asyncio_vs_threads&engine=${engine}&between=nothing`);
    assert.equal((await figuresOf(page)).lost, 0, engine);
    await open(`lesson=asyncio_vs_threads&engine=${engine}&blocking=yes`);
    const late = (await figuresOf(page)).late_ms;
    assert.ok(late >= 480 && late < 700, `${engine}: the others began ${late} ms late`);
  }
  assert.deepEqual(errors, []);
});
