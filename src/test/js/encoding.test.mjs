import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fromBase64Url, isBase64UrlOfLength, toBase64Url, utf8Decode, utf8Encode,
} from '../../main/webapp/js/encoding.js';

test('base64url encodes without padding and matches Node', () => {
  for (let n = 0; n < 40; n += 1) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
    const expected = Buffer.from(bytes).toString('base64url');
    assert.equal(toBase64Url(bytes), expected);
    assert.deepEqual(fromBase64Url(expected), bytes);
  }
  assert.equal(toBase64Url(Uint8Array.of(0xfb, 0xff)), '-_8');
});

test('base64url decoding rejects padding, foreign characters, bad lengths and non-canonical tails', () => {
  assert.equal(fromBase64Url('AA=='), null);
  assert.equal(fromBase64Url('AA+/'), null);
  assert.equal(fromBase64Url('A'), null);
  assert.equal(fromBase64Url('AB'), null, 'the two spare bits of "AB" are not zero');
  assert.equal(fromBase64Url(' AA'), null);
  assert.equal(fromBase64Url(42), null);
  assert.deepEqual(fromBase64Url('AA'), Uint8Array.of(0));
});

test('isBase64UrlOfLength checks the exact byte length', () => {
  const id = toBase64Url(new Uint8Array(16));
  assert.equal(id.length, 22);
  assert.ok(isBase64UrlOfLength(id, 16));
  assert.ok(!isBase64UrlOfLength(id, 32));
  assert.ok(!isBase64UrlOfLength(`${id}A`, 16));
});

test('utf8 round trips and rejects malformed bytes', () => {
  const text = 'héllo – 🦦';
  assert.equal(utf8Decode(utf8Encode(text)), text);
  assert.throws(() => utf8Decode(Uint8Array.of(0xc3)));
});
