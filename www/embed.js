// Interleave in a tutorial page. Include this script from where Interleave is served:
//
//   <div data-interleave="race_counter" data-threads="4" data-view="code,console,timeline"></div>
//   <script src="https://interleave.example/embed.js" defer></script>
//
// Each `[data-interleave]` element (and each <interleave-lesson lesson="..."> element) becomes
// a frame showing that lesson, as tall as its content. `data-*` attributes are knobs of the
// lesson or page settings (theme, lang, view, controls, load, engine, seed, ...).
//
// From script: `const lesson = Interleave.embed(element, { lesson: 'gil', knobs: { workers: 4 } })`
// gives an object whose methods return Promises: `ready`, `run()` (resolves with the result),
// `load(lesson, knobs)`, `setKnobs(knobs)`, `cancel()`, `step(move, options)`, `setLang(lang)`,
// `setTheme(theme)`, `getState()`, `exportResult()`; and `on(type, listener)` for the events
// (state, progress, result, deadlock, resize, error). The messages are described in the README.
(function () {
  'use strict';
  if (window.Interleave) return;
  const VERSION = 1;
  const script = document.currentScript;
  const app = new URL('./', script ? script.src : location.href);
  const PAGE_SETTINGS = ['theme', 'lang', 'view', 'controls', 'load'];
  let nextId = 1;

  function frameUrl(lesson, knobs, settings) {
    const url = new URL(app.href);
    url.searchParams.set('embed', '1');
    if (lesson) url.searchParams.set('lesson', lesson);
    for (const [name, value] of Object.entries(knobs || {})) url.searchParams.set(name, String(value));
    for (const [name, value] of Object.entries(settings || {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
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
      this.frame.style.cssText = 'width: 100%; border: 0; display: block; min-height: 200px;';
      this.frame.style.height = `${options.height || 520}px`;
      target.replaceChildren(this.frame);
      this.onMessage = (event) => this.receive(event);
      window.addEventListener('message', this.onMessage);
      // The frame answers a ping once its engine is up; with load=click, only after the
      // reader's click, however late, so that one never gives up.
      const patient = settings.load === 'click';
      this.ready = new Promise((resolve, reject) => {
        const started = Date.now();
        const ping = () => {
          if (this.readyInfo || !this.frame.isConnected) return;
          const waited = Date.now() - started;
          if (!patient && waited > 60_000) return reject(new Error('Interleave did not answer'));
          this.post({ type: 'ping' });
          setTimeout(ping, waited < 10_000 ? 200 : 1000);
        };
        this.resolveReady = resolve;
        this.frame.addEventListener('load', ping, { once: true });
      });
      // A host that never awaits `ready` should not see an unhandled rejection.
      this.ready.catch(() => {});
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
        this.frame.style.height = `${Math.max(120, Math.ceil(message.height))}px`;
      }
      const waiting = message.id !== undefined && this.pending.get(message.id);
      if (waiting) {
        this.pending.delete(message.id);
        if (message.type === 'error') waiting.reject(Object.assign(new Error(message.message), { code: message.code }));
        else waiting.resolve(message);
      }
      if (message.type === 'result' && this.awaitingResult) {
        const settle = this.awaitingResult;
        this.awaitingResult = null;
        settle.resolve(message);
      }
      if (message.type === 'error' && this.awaitingResult && message.id === this.awaitingResult.id) {
        const settle = this.awaitingResult;
        this.awaitingResult = null;
        settle.reject(Object.assign(new Error(message.message), { code: message.code }));
      }
      for (const listener of this.listeners.get(message.type) || []) listener(message);
    }

    post(fields) {
      const message = Object.assign({ interleave: VERSION }, fields);
      if (this.frame.contentWindow) this.frame.contentWindow.postMessage(message, app.origin);
      return message;
    }

    // A command answered by an event with its id (`state`, `result`, `ready` or `error`).
    ask(fields) {
      const id = nextId++;
      return this.ready.then(() => new Promise((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.post(Object.assign({ id }, fields));
      }));
    }

    // A command that changes the page: resolves once sent (an `error` event says if refused).
    tell(fields) {
      return this.ready.then(() => {
        this.post(Object.assign({ id: nextId++ }, fields));
      });
    }

    on(type, listener) {
      if (!this.listeners.has(type)) this.listeners.set(type, new Set());
      this.listeners.get(type).add(listener);
      return () => this.listeners.get(type).delete(listener);
    }

    load(lesson, knobs) { return this.tell({ type: 'load', lesson, knobs: knobs || {} }); }
    setKnobs(knobs) { return this.tell({ type: 'setKnobs', knobs }); }
    cancel() { return this.tell({ type: 'cancel' }); }
    step(move, options = {}) { return this.tell(Object.assign({ type: 'step', move }, options)); }
    setLang(lang) { return this.tell({ type: 'setLang', lang }); }
    setTheme(theme) { return this.tell({ type: 'setTheme', theme }); }
    getState() { return this.ask({ type: 'getState' }); }
    exportResult() { return this.ask({ type: 'exportResult' }); }

    // Runs the lesson; resolves with its `result` event, or rejects if the run is refused.
    run() {
      return this.ready.then(() => new Promise((resolve, reject) => {
        const id = nextId++;
        this.awaitingResult = { id, resolve, reject };
        this.post({ id, type: 'run' });
      }));
    }

    destroy() {
      window.removeEventListener('message', this.onMessage);
      this.frame.remove();
    }
  }

  // `data-threads="4"` -> knobs.threads; page settings go apart.
  function fromElement(element, lesson) {
    const knobs = {};
    const options = { lesson };
    for (const [key, value] of Object.entries(element.dataset)) {
      if (key === 'interleave') continue;
      if (PAGE_SETTINGS.includes(key) || key === 'height' || key === 'title') options[key] = value;
      else knobs[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
    }
    for (const attribute of element.attributes || []) {
      if (element.localName !== 'interleave-lesson' || attribute.name === 'lesson' || attribute.name.startsWith('data-')) continue;
      if (PAGE_SETTINGS.includes(attribute.name)) options[attribute.name] = attribute.value;
      else knobs[attribute.name.replace(/-/g, '_')] = attribute.value;
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
  // The elements above this script now (so a script after it finds them upgraded), and the
  // rest once the document is parsed.
  upgrade();
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => upgrade());
})();
