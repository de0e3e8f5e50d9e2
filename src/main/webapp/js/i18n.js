// Message catalogs: every user-facing string of the page comes from here. t(key, vars) gives the text of the
// current language, with {name} placeholders filled from vars; a key missing in a catalog falls back to English
// (the catalog test keeps every catalog complete). The page's static text is marked in index.html with
// data-i18n="key" (text) and data-i18n-attr="attribute:key;attribute:key" (attributes), applied by translatePage.
//
// Plurals: t('x.count', { count }) reads 'x.count.one', 'x.count.other', … chosen by Intl.PluralRules of the
// current language. Numbers in vars are formatted for the current language.
// Text that must change with the language after it was shown: msg(key, vars) is a message that is translated
// when it is turned into a string, and setText / setAttr remember it on the node so that translatePage (run on
// every language change) translates it again.
// Controls that tests and people find by their English name (COMMON.md) get data-i18n-name="key": in another
// language their aria-label is "<translated text> (<English text>)", so the accessible name holds the visible
// label and the English one; in English the attribute is left out and the name is the visible text.

import de from './i18n/de.js';
import en from './i18n/en.js';
import es from './i18n/es.js';

const catalogs = { en, de, es };
const listeners = new Set();
const STORAGE_KEY = 'sotto.lang';
const live = new WeakMap(); // node -> { text: Message, attrs: Map(attribute -> Message) }
let current = 'en';

export function registerCatalog(code, catalog) {
  catalogs[code] = catalog;
}

export function languages() {
  return Object.keys(catalogs);
}

export function language() {
  return current;
}

function lookup(code, key, vars) {
  const catalog = catalogs[code] ?? en;
  if (key in catalog) return catalog[key];
  if (typeof vars.count === 'number') {
    const form = new Intl.PluralRules(code).select(vars.count);
    return catalog[`${key}.${form}`] ?? catalog[`${key}.other`];
  }
  return undefined;
}

function formatVar(value) {
  if (typeof value === 'number' && Number.isFinite(value)) return new Intl.NumberFormat(current).format(value);
  return String(value);
}

export function t(key, vars = {}) {
  const text = lookup(current, key, vars) ?? lookup('en', key, vars);
  if (text === undefined) {
    throw new Error('no catalog text for ' + key);
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? formatVar(vars[name]) : whole));
}

/** The English text of a key (the accessible names the tests and people rely on). */
export function english(key, vars = {}) {
  const saved = current;
  current = 'en';
  try {
    return t(key, vars);
  } finally {
    current = saved;
  }
}

class Message {
  constructor(key, vars) {
    this.key = key;
    this.vars = vars;
  }

  toString() {
    return t(this.key, this.vars);
  }
}

/** A message translated each time it is shown: msg('room.gone.closed'), msg('notice.removed', { nick }). */
export function msg(key, vars = {}) {
  return new Message(key, vars);
}

/** "A, B and C" in the current language. */
export function formatList(items) {
  return new Intl.ListFormat(current, { type: 'conjunction' }).format(items.map(String));
}

export function dateTimeFormat(options) {
  return new Intl.DateTimeFormat(current, options);
}

export function numberFormat(options) {
  return new Intl.NumberFormat(current, options);
}

function entry(node) {
  let e = live.get(node);
  if (!e) {
    e = { text: null, attrs: new Map() };
    live.set(node, e);
  }
  node.setAttribute('data-i18n-live', '');
  return e;
}

/** Sets a node's text (a string, or a msg() that is translated again when the language changes). */
export function setText(node, text) {
  if (node.dataset) delete node.dataset.i18n;
  if (text instanceof Message) entry(node).text = text;
  else if (live.has(node)) live.get(node).text = null;
  const value = String(text ?? '');
  if (node.textContent !== value) node.textContent = value;
}

/** Sets an attribute to a string or a msg(), like setText. */
export function setAttr(node, attribute, text) {
  if (text instanceof Message) entry(node).attrs.set(attribute, text);
  else if (live.has(node)) live.get(node).attrs.delete(attribute);
  node.setAttribute(attribute, String(text));
}

/** A control with an English accessible name: its text, and in other languages "<text> (<English>)". */
export function setName(node, key) {
  node.dataset.i18n = key;
  node.dataset.i18nName = key;
  applyName(node, key);
  node.textContent = t(key);
}

function applyName(node, key) {
  if (current === 'en') node.removeAttribute('aria-label');
  else node.setAttribute('aria-label', `${t(key)} (${english(key)})`);
}

export function setLanguage(code) {
  if (!catalogs[code] || code === current) {
    return;
  }
  current = code;
  for (const listener of listeners) {
    listener(code);
  }
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The writing direction of a language ('rtl' or 'ltr'), from Intl where the browser knows it. */
export function direction(code = current) {
  try {
    const locale = new Intl.Locale(code);
    const info = typeof locale.getTextInfo === 'function' ? locale.getTextInfo() : locale.textInfo;
    return info?.direction === 'rtl' ? 'rtl' : 'ltr';
  } catch {
    return 'ltr';
  }
}

/** The first of the browser's languages that has a catalog (de-AT → de), else English. */
export function detectLanguage(preferred = globalThis.navigator?.languages ?? []) {
  for (const tag of preferred) {
    const code = String(tag).toLowerCase().split('-')[0];
    if (catalogs[code]) return code;
  }
  return 'en';
}

/**
 * The language of this tab: the one chosen in the page earlier in this tab (sessionStorage; not a trace of any
 * room, and erased with everything else by "Leave no trace"), else the browser's.
 */
export function initialLanguage(storage = globalThis.sessionStorage) {
  let kept = null;
  try {
    kept = storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    kept = null;
  }
  return kept && catalogs[kept] ? kept : detectLanguage();
}

/** The person picked a language in the page: use it and keep it for this tab. */
export function chooseLanguage(code, storage = globalThis.sessionStorage) {
  if (!catalogs[code]) return;
  try {
    storage?.setItem(STORAGE_KEY, code);
  } catch {
    // Storage disabled: the choice lasts until the page is reloaded.
  }
  setLanguage(code);
}

/** Shows a document in the current language: <html lang> and dir (the CSS follows it), and its marked text. */
export function localizeDocument(doc) {
  doc.documentElement.lang = current;
  doc.documentElement.dir = direction(current);
  translatePage(doc);
}

export function translatePage(root) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of element.dataset.i18nAttr.split(';')) {
      const [attribute, key] = pair.split(':').map((part) => part.trim());
      if (attribute && key) {
        element.setAttribute(attribute, t(key));
      }
    }
  }
  for (const element of root.querySelectorAll('[data-i18n-name]')) {
    applyName(element, element.dataset.i18nName);
  }
  for (const element of root.querySelectorAll('[data-i18n-live]')) {
    const e = live.get(element);
    if (!e) continue;
    if (e.text) element.textContent = String(e.text);
    for (const [attribute, message] of e.attrs) element.setAttribute(attribute, String(message));
  }
}
