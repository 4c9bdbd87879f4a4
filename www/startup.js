// The page's start-up script: registers the service worker (www/sw.js), shows the poster
// of `load=click`, and loads the app. The build (scripts/trunk_init_script.py) fills in APP
// from Trunk's own loader and writes the result beside index.html as `init-<hash>.js`: the
// Content-Security-Policy allows no inline script.
//
// What it tells the app: `<html data-sw="…">`
//   unavailable  this browser or page has no service workers (none at all, or not a
//                secure context): no offline copy, and isolation only if the host sends it
//   failed       registering or installing the service worker failed (same consequences)
//   active       a service worker serves the page: it works offline, and is cross-origin
//                isolated even where the host sends no isolation headers
//   (absent)     not known yet: before the poster's click, or while registering
//
// The poster of `load=click`: `#poster` with `#poster-lesson` (the lesson id as text,
// letters a-z and `_` only), `#poster-text` and the button `#poster-load`.

// Trunk's names for the app's JavaScript and wasm, and its preloads of them.
const APP = { js: '', wasm: '', preloads: [] };

const root = document.documentElement;
const query = new URLSearchParams(location.search);
// The theme before the app is in (for the poster, and so a dark page never flashes white),
// chosen as the app will choose it: `theme=`, else the system's preference.
const asked = query.get('theme');
root.dataset.theme = asked === 'light' || asked === 'dark' ? asked
  : (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
const WORKER_URL = new URL('./sw.js', import.meta.url);
// sessionStorage keys: the one reload that brings isolation has happened in this tab; the
// learner had clicked the poster before it (so the reloaded page does not ask again).
const RELOADED = `interleave-isolation-reload ${location.pathname}`;
const CLICKED = `interleave-poster-clicked ${location.pathname}`;
const workers = 'serviceWorker' in navigator && window.isSecureContext ? navigator.serviceWorker : null;

async function start(poster = null) {
  if (!workers) root.dataset.sw = 'unavailable';
  if (mayReloadForIsolation()) {
    // Loading the app now would be wasted: the page reloads once the worker is in.
    if (await registerThenReload(poster)) return;
  } else {
    preload();
  }
  poster?.remove();
  await loadApp();
  if (workers && !root.dataset.sw) registerLater();
}

/** Whether a reload could make this page cross-origin isolated: not isolated, not served
 * by the worker yet (once it is, the headers are there and a reload would change
 * nothing), and not reloaded for it already in this tab. */
function mayReloadForIsolation() {
  if (window.crossOriginIsolated || !workers || workers.controller) return false;
  try {
    return sessionStorage.getItem(RELOADED) === null;
  } catch {
    return false; // no storage, no guard: never reload
  }
}

/** Registers the worker and, once it is active, reloads the page (true); false when the
 * page must start as it is. */
async function registerThenReload(poster) {
  if (!(await register())) return false;
  try {
    sessionStorage.setItem(RELOADED, '1');
    if (poster) sessionStorage.setItem(CLICKED, '1');
  } catch {
    return false;
  }
  location.reload();
  return true;
}

/** Registers the worker and waits until it is active; sets `data-sw`. */
async function register() {
  try {
    const registration = await workers.register(WORKER_URL);
    const ok = await activated(registration);
    root.dataset.sw = ok || workers.controller ? 'active' : 'failed';
    return ok;
  } catch {
    // Offline with a worker already serving the page: the update check failed, not the worker.
    root.dataset.sw = workers.controller ? 'active' : 'failed';
    return false;
  }
}

/** Resolves true once the registration has an active worker, false if installing failed. */
function activated(registration) {
  if (registration.active) return Promise.resolve(true);
  const worker = registration.installing || registration.waiting;
  if (!worker) return Promise.resolve(false);
  return new Promise((resolve) => {
    const check = () => {
      if (worker.state === 'activated') resolve(true);
      else if (worker.state === 'redundant') resolve(Boolean(registration.active));
    };
    worker.addEventListener('statechange', check);
    check();
  });
}

/** Isolated already (or unable to be): register for the offline copy once the app is up,
 * so its downloads do not compete with the app's. */
function registerLater() {
  if (workers.controller) root.dataset.sw = 'active';
  const go = () => register();
  if (document.readyState === 'complete') go();
  else addEventListener('load', go, { once: true });
}

/** Reads and clears a sessionStorage flag. */
function takeFlag(key) {
  try {
    const set = sessionStorage.getItem(key) !== null;
    sessionStorage.removeItem(key);
    return set;
  } catch {
    return false;
  }
}

// Trunk's preloads, moved here from index.html: a `load=click` page must not fetch the app.
function preload() {
  for (const attributes of APP.preloads) {
    const link = document.createElement('link');
    for (const [name, value] of Object.entries(attributes)) link.setAttribute(name, value);
    document.head.append(link);
  }
}

const TRAP_WORDS = {
  en: (what) => `The page stopped working because of a bug (${what}). Reload the page to go on.`,
  ko: (what) => `버그 때문에 페이지가 멈췄습니다(${what}). 계속하려면 페이지를 새로 고치세요.`,
};

/** A bug stopped the app for good: its wasm traps at a panic (the page's build aborts at
 * once, see Cargo.toml's `profile.app`). Say so where the learner looks, in the page's
 * language, instead of leaving buttons that do nothing. */
function reportTrap(error) {
  if (!(error instanceof WebAssembly.RuntimeError) || document.getElementById('page-panic')) return;
  const banner = document.createElement('div');
  banner.id = 'page-panic';
  banner.className = 'banner failed';
  banner.setAttribute('role', 'alert');
  banner.textContent = (root.lang === 'ko' ? TRAP_WORDS.ko : TRAP_WORDS.en)(error.message);
  document.body.prepend(banner);
}
addEventListener('error', (event) => reportTrap(event.error));
addEventListener('unhandledrejection', (event) => reportTrap(event.reason));

async function loadApp() {
  const bindings = await import(APP.js);
  const wasm = await bindings.default({ module_or_path: new URL(APP.wasm, import.meta.url) });
  window.wasmBindings = bindings;
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
}

const POSTER_WORDS = {
  en: { text: 'A Python concurrency lesson that runs in your browser. Nothing is downloaded until you press the button.', load: '▶ Load and run' },
  ko: { text: '브라우저에서 실행되는 파이썬 동시성 레슨입니다. 버튼을 누르기 전에는 아무것도 내려받지 않습니다.', load: '▶ 불러와 실행' },
};

/** `load=click`: a light stand-in for the app until the learner asks for it. */
function showPoster() {
  const lang = query.get('lang') === 'ko' ? 'ko' : 'en';
  const words = POSTER_WORDS[lang];
  const element = (tag, id, text) => {
    const e = document.createElement(tag);
    if (id) e.id = id;
    e.textContent = text;
    return e;
  };
  const poster = element('div', 'poster', '');
  poster.lang = lang;
  poster.append(element('p', 'poster-title', 'Interleave'));
  // Text, never markup, and only what a lesson id can hold.
  const lesson = (query.get('lesson') ?? '').replace(/[^a-z_]/g, '').slice(0, 40);
  if (lesson) poster.append(element('code', 'poster-lesson', lesson));
  poster.append(element('p', 'poster-text', words.text));
  const button = element('button', 'poster-load', words.load);
  button.type = 'button';
  button.addEventListener('click', () => {
    button.disabled = true;
    poster.setAttribute('aria-busy', 'true');
    start(poster);
  }, { once: true });
  poster.append(button);
  document.body.append(poster);
}

// Start-up, once everything above is defined.
const clicked = takeFlag(CLICKED);
// Isolated: the guard has done its job, and is free for a later hard reload (which
// bypasses the worker) to use once more.
if (window.crossOriginIsolated) takeFlag(RELOADED);
if (query.get('load') === 'click' && !clicked) {
  showPoster();
} else {
  await start();
}
