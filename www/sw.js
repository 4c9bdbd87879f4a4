// Interleave's service worker: the page's own files with the headers static hosts often
// cannot send (cross-origin isolation, so live threads work; the Content-Security-Policy),
// and a copy of the build so the page works offline after the first visit.
//
// The build (scripts/trunk_init_script.py) fills in the three constants below. They are empty
// here on purpose: the headers come from www/_headers and nowhere else.

// A digest of the build's file list: each build gets a cache of its own.
const BUILD = '';
// The build's files, by path under the scope: their Subresource Integrity digest, and
// whether the name carries a content hash (such a file never changes under its name).
const FILES = {};
// The headers of www/_headers, added to the build's responses that lack them.
const HEADERS = {};

const SCOPE = new URL(self.registration.scope);
// Several builds may live on one origin (one per sub-path): each touches only its own caches.
const PREFIX = `interleave ${SCOPE.pathname} `;
const CACHE = PREFIX + BUILD;

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

async function precache() {
  const cache = await caches.open(CACHE);
  try {
    await Promise.all(Object.entries(FILES).map(async ([path, file]) => {
      const url = new URL(path, SCOPE);
      // `no-cache`: revalidate, so a stale copy in the HTTP cache cannot slip in; the
      // digest refuses a file of another build (one deployed while this one installs).
      const response = await fetch(url, { cache: 'no-cache', integrity: file.integrity });
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      await cache.put(url, response);
    }));
  } catch (error) {
    // A half-filled cache must not serve anyone; the next visit installs afresh.
    await caches.delete(CACHE);
    throw error;
  }
}

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    // Control the page that registered us, so its later requests are served too.
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const path = buildPath(new URL(request.url));
  // Anything but the build's own files (other pages of the site under our scope, other
  // origins) goes to the network untouched: their headers are not ours to set.
  if (path === null) return;
  event.respondWith(FILES[path].immutable ? cacheFirst(request, path) : networkFirst(request, path));
});

/** The path of one of the build's files under the scope (the scope itself is
 * index.html), or null. */
function buildPath(url) {
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return null;
  const path = url.pathname.slice(SCOPE.pathname.length) || 'index.html';
  return Object.hasOwn(FILES, path) ? path : null;
}

async function cached(path) {
  const cache = await caches.open(CACHE);
  return cache.match(new URL(path, SCOPE), { ignoreVary: true });
}

// A hashed name holds the same bytes wherever they come from: the copy is as good as new.
async function cacheFirst(request, path) {
  const hit = await cached(path);
  return withHeaders(hit ?? (await fetch(request)));
}

// index.html and the unhashed files (the engine worker's loader, script and wasm, whose
// names the app code fixes): fresh when the network answers, so a new deployment's page
// never runs with an older worker; the copy when it does not.
async function networkFirst(request, path) {
  try {
    return withHeaders(await fetch(request));
  } catch (error) {
    const hit = await cached(path);
    if (hit) return withHeaders(hit);
    throw error;
  }
}

function withHeaders(response) {
  // Redirects and errors pass as they are (their headers cannot be changed).
  if (response.type !== 'basic' || response.status < 200) return response;
  const headers = new Headers(response.headers);
  // The host's own value wins: it may know better (and it already isolates the page).
  for (const [name, value] of Object.entries(HEADERS)) {
    if (!headers.has(name)) headers.set(name, value);
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
