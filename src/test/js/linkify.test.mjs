import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkify } from '../../main/webapp/js/linkify.js';
import { cleanNickname, randomNickname } from '../../main/webapp/js/nickname.js';

test('http and https URLs become links, the rest stays text', () => {
  assert.deepEqual(linkify('see https://example.com/a?b=1. then\nhttp://x.org'), [
    { type: 'text', value: 'see ' },
    { type: 'link', value: 'https://example.com/a?b=1' },
    { type: 'text', value: '. then\n' },
    { type: 'link', value: 'http://x.org' },
  ]);
});

test('other schemes and markup are never links', () => {
  for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', '<a href="https://e.com">x</a>', 'ftp://e.com']) {
    const parts = linkify(text);
    assert.ok(parts.every((p) => p.type === 'text' || /^https?:\/\//.test(p.value)), text);
    assert.equal(parts.map((p) => p.value).join(''), text, 'nothing is lost or added');
  }
  assert.deepEqual(linkify('<a href="https://e.com">x</a>')[1], { type: 'link', value: 'https://e.com' });
});

test('a closing parenthesis belongs to the URL only when it opened inside it', () => {
  assert.deepEqual(linkify('(https://en.wikipedia.org/wiki/Foo_(bar))').map((p) => p.value),
    ['(', 'https://en.wikipedia.org/wiki/Foo_(bar)', ')']);
});

test('nicknames: friendly default, cleaned input', () => {
  assert.match(randomNickname(), /^[A-Z][a-z]+ [A-Z][a-z]+$/);
  assert.equal(cleanNickname('  Calm   Heron \n'), 'Calm Heron');
  assert.equal(cleanNickname('x'.repeat(50)).length, 40);
  assert.equal(cleanNickname(`${'x'.repeat(39)}🦦`), 'x'.repeat(39), 'no half of a surrogate pair');
  assert.equal(cleanNickname('   '), '');
});

test('links whose text shows another host than the one opened stay text', () => {
  for (const text of [
    'https://bank.example\\@evil.example',
    'https://bank.example\\evil.example/path',
    'https://bank.example@evil.example',
    'https://bank.example@evil.example/login',
    'https://user:pw@host.example',
    'http://user@host.example:8080/x',
    'https://bank.example%2eevil.example/',
    'https://0x7f.1/',
    'https://xn--bank-example%40evil/',
  ]) {
    assert.deepEqual(linkify(`open ${text} now`), [{ type: 'text', value: `open ${text} now` }], text);
  }
});

test('plain links are still links, and their shown host is the one they open', () => {
  for (const url of ['https://bank.example', 'https://bank.example/a@b?c=@d#@e', 'http://HOST.example:8080/p',
    'https://host.example:443/x', 'https://[::1]:8443/']) {
    const parts = linkify(`see ${url} here`);
    assert.deepEqual(parts, [
      { type: 'text', value: 'see ' }, { type: 'link', value: url }, { type: 'text', value: ' here' },
    ], url);
    const shownHost = url.replace(/^https?:\/\//, '').split(/[/?#]/, 1)[0].toLowerCase().replace(/:(443|80)$/, '');
    assert.equal(new URL(url).host, shownHost, url);
  }
});
