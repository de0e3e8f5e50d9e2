// Message catalogs: every user-facing string of the page comes from here. t(key, vars) gives the text of the
// current language, with {name} placeholders filled from vars; a key missing in a catalog falls back to English
// (the catalog test keeps every catalog complete). The page's static text is marked in index.html with
// data-i18n="key" (text) and data-i18n-attr="attribute:key;attribute:key" (attributes), applied by translatePage.

import en from './i18n/en.js';

const catalogs = { en };
const listeners = new Set();
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

export function t(key, vars = {}) {
  const text = catalogs[current]?.[key] ?? en[key];
  if (text === undefined) {
    throw new Error('no catalog text for ' + key);
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
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
}
