// Interleave in a tutorial page. Include this script from where Interleave is served:
//
//   <div data-interleave="race_counter" data-threads="4" data-view="code,console,timeline"></div>
//   <script src="https://interleave.example/embed.js" defer></script>
//
// Each `[data-interleave]` element (and each <interleave-lesson lesson="..."> element) becomes
// a frame showing that lesson, as tall as its content; elements added later (a page that
// swaps its content without reloading) are picked up too. `data-*` attributes are knobs of
// the lesson or page settings (theme, lang, view, controls, load, engine, seed, ...).
//
// From script: `const lesson = Interleave.embed(element, { lesson: 'gil', knobs: { workers: 4 } })`
// gives an object whose methods return Promises: `ready`, `run()` (resolves with the result),
// `load(lesson, knobs)`, `setKnobs(knobs)`, `cancel()`, `step(move, options)`, `setLang(lang)`,
// `setTheme(theme)`, `getState()` (each resolves with the page's state once it shows the
// change), `exportResult()`; a refused command rejects with the error's `code`. `on(type,
// listener)` hears the events (state, progress, result, deadlock, resize, error). The
// messages are described in the README.
(function () {
  'use strict';
  if (window.Interleave) return;
  const VERSION = 1;
  const script = document.currentScript;
  const app = new URL('./', script ? script.src : location.href);
  const PAGE_SETTINGS = ['theme', 'lang', 'view', 'controls', 'load'];
  // Attributes of <interleave-lesson> that are HTML's own, not knobs.
  const HTML_ATTRIBUTES = ['id', 'class', 'style', 'hidden', 'lang', 'dir', 'tabindex', 'slot', 'part', 'role', 'lesson'];
  const MIN_HEIGHT = 120;
  let nextId = 1;

  function frameUrl(lesson, knobs, settings) {
    const url = new URL(app.href);
    url.searchParams.set('embed', '1');
    if (lesson) url.searchParams.set('lesson', lesson);
    for (const [name, value] of Object.entries(knobs || {})) url.searchParams.set(name, String(value));
    for (const [name, value] of Object.entries(settings || {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    // This page may drive the frame even where the browser does not tell the frame who
    // embeds it (no ancestorOrigins, no referrer).
    if (location.origin !== 'null') url.searchParams.set('host', location.origin);
    return url.href;
  }

  class Embed {
    constructor(target, options = {}) {
      this.listeners = new Map();
      this.pending = new Map();
      this.frame = document.createElement('iframe');
      const settings = {};
      for (const name of PAGE_SETTINGS) if (options[name] !== undefined) settings[name] = options[name];
      this.frame.src = frameUrl(options.lesson, options.knobs, settings);
      this.frame.title = options.title || `Interleave: ${options.lesson || 'lessons'}`;
      // Live threads need the frame isolated; browsers that honour this let it be.
      this.frame.allow = 'cross-origin-isolated';
      this.frame.loading = options.lazy === false ? 'eager' : 'lazy';
      this.frame.style.cssText = `width: 100%; border: 0; display: block; min-height: ${MIN_HEIGHT}px;`;
      this.frame.style.height = `${Number(options.height) || 520}px`;
      target.replaceChildren(this.frame);
      this.onMessage = (event) => this.receive(event);
      window.addEventListener('message', this.onMessage);
      // The frame answers a ping once its engine is up; with load=click only after the
      // reader's click, however late. A frame silent for a minute is reported once as an
      // `error` event (code `no-answer`), and still waited for.
      this.ready = new Promise((resolve) => {
        const started = Date.now();
        let reported = false;
        const ping = () => {
          if (this.readyInfo || !this.frame.isConnected) return;
          const waited = Date.now() - started;
          if (waited > 60_000 && !reported && settings.load !== 'click') {
            reported = true;
            this.emit({ interleave: VERSION, type: 'error', code: 'no-answer', message: 'Interleave has not answered for a minute' });
          }
          this.post({ type: 'ping' });
          setTimeout(ping, waited < 10_000 ? 200 : 2000);
        };
        this.resolveReady = resolve;
        this.frame.addEventListener('load', ping, { once: true });
      });
    }

    receive(event) {
      if (event.source !== this.frame.contentWindow || event.origin !== app.origin) return;
      const message = event.data;
      if (!message || message.interleave !== VERSION || typeof message.type !== 'string') return;
      if (message.type === 'ready' && !this.readyInfo) {
        this.readyInfo = message;
        this.resolveReady(message);
      }
      if (message.type === 'resize' && Number.isFinite(message.height)) {
        this.frame.style.height = `${Math.max(MIN_HEIGHT, Math.ceil(message.height))}px`;
      }
      const waiting = message.id !== undefined && this.pending.get(message.id);
      if (waiting) {
        this.pending.delete(message.id);
        if (message.type === 'error') waiting.reject(Object.assign(new Error(message.message), { code: message.code }));
        else waiting.resolve(message);
      }
      this.emit(message);
    }

    emit(message) {
      for (const listener of this.listeners.get(message.type) || []) listener(message);
    }

    post(fields) {
      const message = Object.assign({ interleave: VERSION }, fields);
      if (this.frame.contentWindow) this.frame.contentWindow.postMessage(message, app.origin);
      return message;
    }

    // A command, answered by the event that carries its id (`state`, `result`), or rejected
    // by an `error` with it.
    ask(fields) {
      return this.ready.then(() => new Promise((resolve, reject) => {
        const id = nextId++;
        this.pending.set(id, { resolve, reject });
        this.post(Object.assign({ id }, fields));
      }));
    }

    on(type, listener) {
      if (!this.listeners.has(type)) this.listeners.set(type, new Set());
      this.listeners.get(type).add(listener);
      return () => this.listeners.get(type).delete(listener);
    }

    load(lesson, knobs) { return this.ask({ type: 'load', lesson, knobs: knobs || {} }); }
    setKnobs(knobs) { return this.ask({ type: 'setKnobs', knobs }); }
    run() { return this.ask({ type: 'run' }); }
    cancel() { return this.ask({ type: 'cancel' }); }
    step(move, options = {}) { return this.ask(Object.assign({ type: 'step', move }, options)); }
    setLang(lang) { return this.ask({ type: 'setLang', lang }); }
    setTheme(theme) { return this.ask({ type: 'setTheme', theme }); }
    getState() { return this.ask({ type: 'getState' }); }
    exportResult() { return this.ask({ type: 'exportResult' }); }

    destroy() {
      window.removeEventListener('message', this.onMessage);
      for (const waiting of this.pending.values()) waiting.reject(Object.assign(new Error('the frame was removed'), { code: 'destroyed' }));
      this.pending.clear();
      this.frame.remove();
    }
  }

  // `data-threads="4"` -> knobs.threads; page settings and frame options go apart.
  function fromElement(element, lesson) {
    const knobs = {};
    const options = { lesson };
    for (const [key, value] of Object.entries(element.dataset)) {
      if (key === 'interleave') continue;
      if (PAGE_SETTINGS.includes(key) || key === 'height' || key === 'title') options[key] = value;
      else knobs[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
    }
    if (element.localName === 'interleave-lesson') {
      for (const { name, value } of element.attributes) {
        if (name.startsWith('data-') || name.startsWith('aria-') || HTML_ATTRIBUTES.includes(name)) continue;
        if (PAGE_SETTINGS.includes(name) || name === 'height' || name === 'title') options[name] = value;
        else knobs[name.replace(/-/g, '_')] = value;
      }
    }
    options.knobs = knobs;
    return options;
  }

  function upgrade(root = document) {
    for (const element of root.querySelectorAll('[data-interleave]')) {
      if (element.interleave) continue;
      element.interleave = new Embed(element, fromElement(element, element.dataset.interleave));
    }
  }

  if (window.customElements && !customElements.get('interleave-lesson')) {
    customElements.define('interleave-lesson', class extends HTMLElement {
      connectedCallback() {
        if (!this.interleave) this.interleave = new Embed(this, fromElement(this, this.getAttribute('lesson')));
      }
    });
  }

  window.Interleave = { embed: (target, options) => new Embed(target, options), upgrade, version: VERSION };
  // The elements above this script now (so a script after it finds them upgraded), the rest
  // once the document is parsed, and any added later.
  upgrade();
  const watch = () => {
    upgrade();
    new MutationObserver((changes) => {
      if (changes.some((change) => change.addedNodes.length > 0)) upgrade();
    }).observe(document.documentElement, { childList: true, subtree: true });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch);
  else watch();
})();
