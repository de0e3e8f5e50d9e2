import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  chooseLanguage, detectLanguage, direction, english, formatList, initialLanguage, language, msg, setLanguage, t,
} from '../../main/webapp/js/i18n.js';
import en from '../../main/webapp/js/i18n/en.js';

const WEBAPP = fileURLToPath(new URL('../../main/webapp/', import.meta.url));
const CATALOG_DIR = join(WEBAPP, 'js', 'i18n');
const CODES = readdirSync(CATALOG_DIR).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort();
const catalogs = Object.fromEntries(await Promise.all(CODES.map(async (code) => [
  code, (await import(new URL(`../../main/webapp/js/i18n/${code}.js`, import.meta.url))).default,
])));

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'i18n' ? [] : jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

/** Source without its comments (which mention keys as examples). */
const code = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
const sources = jsFiles(join(WEBAPP, 'js')).map((path) => ({ path, text: code(readFileSync(path, 'utf8')) }));
const html = ['index.html', ...readdirSync(join(WEBAPP, 'error')).map((name) => join('error', name))]
  .map((page) => readFileSync(join(WEBAPP, page), 'utf8')).join('\n');
const placeholders = (text) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
/** A plural key 'x.count.one' is used as t('x.count', { count }). */
const PLURAL = /\.(zero|one|two|few|many|other)$/;
const baseKey = (key) => key.replace(PLURAL, '');

/** Keys the code asks for: t('…'), msg('…'), english('…'), setName(node, '…'), data-i18n* in the HTML pages. */
function usedKeys() {
  const used = new Map(); // key -> where
  for (const { path, text } of sources) {
    for (const m of text.matchAll(/\b(?:t|msg|english)\(\s*'([^']+)'/g)) used.set(m[1], path);
    for (const m of text.matchAll(/\bsetName\([^,]+,\s*'([^']+)'/g)) used.set(m[1], path);
    for (const m of text.matchAll(/\bsetName\([^,]+,[^;]*?\?\s*'([^']+)'\s*:\s*'([^']+)'/g)) {
      used.set(m[1], path);
      used.set(m[2], path);
    }
  }
  for (const m of html.matchAll(/data-i18n(?:-name)?="([^"]+)"/g)) used.set(m[1], 'index.html');
  for (const m of html.matchAll(/data-i18n-attr="([^"]+)"/g)) {
    for (const pair of m[1].split(';')) used.set(pair.split(':')[1].trim(), 'index.html');
  }
  return used;
}

test('there is a catalog for English, German and Spanish', () => {
  assert.deepEqual(CODES, ['de', 'en', 'es']);
});

for (const code of CODES) {
  test(`the ${code} catalog has exactly the keys of the English one`, () => {
    const keys = Object.keys(catalogs[code]);
    const missing = Object.keys(en).filter((key) => !(key in catalogs[code]));
    const extra = keys.filter((key) => !(key in en));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
  });

  test(`the ${code} catalog has no empty text and the same placeholders as English`, () => {
    for (const [key, text] of Object.entries(catalogs[code])) {
      assert.equal(typeof text, 'string', key);
      assert.notEqual(text.trim(), '', `${code}: ${key} is empty`);
      assert.deepEqual(placeholders(text), placeholders(en[key] ?? ''), `${code}: placeholders of ${key}`);
    }
  });
}

test('every key the page and its scripts use is in the English catalog', () => {
  const missing = [...usedKeys()].filter(([key]) => !(key in en)
    && !Object.keys(en).some((k) => baseKey(k) === key)).map(([key, where]) => `${key} (${where})`);
  assert.deepEqual(missing, []);
});

test('every catalog key is used by the page or its scripts', () => {
  const all = sources.map((s) => s.text).join('\n') + html;
  const unused = Object.keys(en).filter((key) => {
    const base = baseKey(key);
    return !all.includes(`'${key}'`) && !all.includes(`"${key}"`) && !all.includes(`'${base}'`)
      && !all.includes(`:${key}`);
  });
  assert.deepEqual(unused, []);
});

test('controls that keep an English name name it next to the translated text', () => {
  const names = [...html.matchAll(/data-i18n-name="([^"]+)"/g)].map((m) => m[1]);
  for (const key of ['landing.create.button', 'landing.join.button', 'landing.join.code', 'composer.message',
    'composer.send', 'room.copyInvite', 'room.close', 'room.leave', 'call.start', 'call.leave', 'call.mute',
    'call.hideIp']) {
    assert.ok(names.includes(key), `${key} has data-i18n-name`);
  }
  assert.deepEqual({ create: en['landing.create.button'], send: en['composer.send'], code: en['landing.join.code'] },
    { create: 'Create room', send: 'Send', code: 'Room code' });
});

test('t fills placeholders, formats numbers and falls back to English', () => {
  setLanguage('de');
  try {
    assert.equal(language(), 'de');
    assert.equal(t('landing.create.button'), 'Raum erstellen');
    assert.equal(english('landing.create.button'), 'Create room');
    assert.equal(t('send.tooLong', { max: 4000, count: 4100 }).includes('4.000'), true);
    assert.equal(String(msg('notice.newOwner', { nick: 'Quiet Otter' })).startsWith('Quiet Otter'), true);
    assert.equal(formatList(['A', 'B', 'C']), 'A, B und C');
    const later = msg('landing.create.button');
    setLanguage('es');
    assert.equal(String(later), 'Crear sala', 'a msg() is translated when shown');
  } finally {
    setLanguage('en');
  }
  assert.equal(t('typing.two', { first: 'A', second: 'B' }), 'A and B are typing…');
  assert.throws(() => t('no.such.key'));
});

test('t picks the plural form of the current language', () => {
  const plural = { 'test.count.one': '{count} person', 'test.count.other': '{count} people' };
  Object.assign(en, plural);
  try {
    assert.equal(t('test.count', { count: 1 }), '1 person');
    assert.equal(t('test.count', { count: 2 }), '2 people');
    assert.equal(t('test.count', { count: 0 }), '0 people');
  } finally {
    for (const key of Object.keys(plural)) delete en[key];
  }
});

test('the language follows the browser: the first supported one, else English', () => {
  assert.equal(detectLanguage(['de-DE', 'de', 'en']), 'de');
  assert.equal(detectLanguage(['fr-FR', 'es-MX', 'de']), 'es');
  assert.equal(detectLanguage(['fr', 'ja']), 'en');
  assert.equal(detectLanguage([]), 'en');
});

test('a right-to-left language is written right to left', () => {
  assert.equal(direction('ar'), 'rtl');
  assert.equal(direction('he'), 'rtl');
  assert.equal(direction('de'), 'ltr');
  assert.equal(direction('en'), 'ltr');
});

test('a language picked in the page is kept for the tab and wins over the browser\'s', () => {
  const items = new Map();
  const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, String(v)) };
  try {
    chooseLanguage('es', storage);
    assert.equal(language(), 'es');
    assert.deepEqual([...items], [['sotto.lang', 'es']]);
    assert.equal(initialLanguage(storage), 'es');
    chooseLanguage('xx', storage);
    assert.equal(language(), 'es', 'an unknown language is ignored');
    items.set('sotto.lang', 'xx');
    assert.equal(initialLanguage(storage), 'en', 'an unknown kept value is not used (Node has no browser languages)');
  } finally {
    setLanguage('en');
  }
});
