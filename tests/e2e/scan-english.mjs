// Finds English words in the page outside code, identifiers and units, for words.test.mjs.
// `page.evaluate(scanEnglish, allowed)` returns [{ word, text, where }]. Skipped: code and
// keys, whatever is marked `translate="no"` (identifiers: thread names, knob ids and values),
// the console (the program's own output) and text in another language on purpose (the
// language switch's `English`). Tooltips and labels for screen readers quote thread names
// and printed text: the words of the thread names and of the console on the page are
// allowed; in attributes, so are `code`, web addresses and the words of identifiers shown.
export function scanEnglish(allowed) {
  const skip = 'code, pre, kbd, samp, script, style, noscript, [translate="no"], .console, [lang]:not(html):not([lang="ko"])';
  const ok = new Set(allowed);
  const wordsOf = (text) => text.match(/[A-Za-z][A-Za-z']*/g) || [];
  for (const el of document.querySelectorAll('.actor-name, .console')) for (const w of wordsOf(el.textContent)) ok.add(w);
  // Labels for screen readers name identifiers shown elsewhere (a plot's figure and knob).
  const okInAttributes = new Set(ok);
  for (const el of document.querySelectorAll('[translate="no"]')) for (const w of wordsOf(el.textContent)) okInAttributes.add(w);
  const found = [];
  const words = (text, allowed = ok) => wordsOf(text).filter((w) => w.length > 1 && !allowed.has(w));
  const where = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
      parts.unshift(e.id ? `#${e.id}` : e.tagName.toLowerCase() + (e.classList[0] ? `.${e.classList[0]}` : ''));
    }
    return parts.join(' > ');
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    // An SVG <title> is a tooltip, as an attribute is.
    const allowed = el.closest('title') ? okInAttributes : ok;
    for (const word of words(node.textContent, allowed)) found.push({ word, text: node.textContent.trim().slice(0, 120), where: where(el) });
  }
  const attrs = ['title', 'aria-label', 'placeholder', 'alt', 'aria-description'];
  for (const el of document.body.querySelectorAll(attrs.map((a) => `[${a}]`).join(', '))) {
    if (el.closest(skip)) continue;
    for (const attr of attrs) {
      const value = el.getAttribute(attr);
      if (!value) continue;
      const prose = value.replace(/`[^`]*`/g, ' ').replace(/\b[\w-]+:\/\/\S*|\b[\w-]+(\.[\w-]+)+\S*/g, ' ');
      for (const word of words(prose, okInAttributes)) found.push({ word, text: `${attr}=${value.slice(0, 120)}`, where: where(el) });
    }
  }
  return found;
}
