import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { toBase64Url } from '../../main/webapp/js/encoding.js';
import {
  AAD_LABEL, chunkAad, chunkCount, chunkIv, chunkPlainBytes, CHUNK_BYTES, ciphertextBytes, decryptChunk, encryptChunk,
  FileIntegrityError, importFileKey, MAX_CHUNK_CT_BYTES, MAX_FILE_BYTES, newFileKey, sha256, sha256Base64Url,
} from '../../main/webapp/js/files/file-crypto.js';

// Known-answer vectors, computed once with node:crypto's AES-256-GCM (its own IV and AAD built by hand) and pinned:
// changing the IV, the AAD or the chunk size breaks every file already announced.
const KEY = toBase64Url(Uint8Array.from({ length: 32 }, (_, i) => i));
const VECTORS = [
  {
    index: 0, last: false, plain: 'Sotto file chunk zero',
    ct: '5dd3c1aada0ce5d464cd89567059fff2f23933214775d867f2267e9a5a3684205c35206ed6',
  },
  {
    index: 1, last: true, plain: 'and the last one',
    ct: '74b8dbdc309c553e624f224dccc95492ba1cc045c8f236feeb202c407c4a3e9c',
  },
  { index: 0, last: true, plain: '', ct: '99525a99da30aef01186c485bef95577' },
];
const FULL_CHUNK = Uint8Array.from({ length: CHUNK_BYTES }, (_, i) => i & 0xff);
const FULL_CHUNK_CT_SHA256 = '587307c7c4b23008a342b15f564358e7766f7e8ce107cc5eccc13af3b2ebf9d5';
const FULL_CHUNK_TAG = 'b721cb9f920bd8afbc71f38778a1c857';

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const fromHex = (text) => new Uint8Array(Buffer.from(text, 'hex'));
const text = (bytes) => Buffer.from(bytes).toString('utf8');
const key = await importFileKey(KEY);

test('chunk IVs are eight zero bytes and the index as uint32 big-endian', () => {
  assert.equal(hex(chunkIv(0)), '000000000000000000000000');
  assert.equal(hex(chunkIv(258)), '000000000000000000000102');
  assert.equal(hex(chunkIv(0xffffffff)), '0000000000000000ffffffff');
  assert.throws(() => chunkIv(-1), RangeError);
  assert.throws(() => chunkIv(2 ** 32), RangeError);
  assert.throws(() => chunkIv(1.5), RangeError);
});

test('chunk AADs are the label, the index as uint32 big-endian and the last flag', () => {
  assert.equal(AAD_LABEL, 'sotto/file/v1');
  assert.equal(hex(chunkAad(258, true)), `${hex(Buffer.from('sotto/file/v1'))}0000010201`);
  assert.equal(hex(chunkAad(0, false)), '736f74746f2f66696c652f76310000000000');
  assert.throws(() => chunkAad(0, 1), TypeError);
});

test('files are cut into chunks of 1 MiB; an empty file is one empty chunk', () => {
  assert.equal(CHUNK_BYTES, 1_048_576);
  assert.equal(MAX_CHUNK_CT_BYTES, 1_048_592);
  assert.deepEqual([0, 1, CHUNK_BYTES, CHUNK_BYTES + 1, MAX_FILE_BYTES].map(chunkCount), [1, 1, 1, 2, 25]);
  assert.equal(chunkPlainBytes(0, 0), 0);
  assert.equal(chunkPlainBytes(CHUNK_BYTES + 5, 0), CHUNK_BYTES);
  assert.equal(chunkPlainBytes(CHUNK_BYTES + 5, 1), 5);
  assert.throws(() => chunkPlainBytes(CHUNK_BYTES + 5, 2), RangeError);
  assert.equal(ciphertextBytes(0), 16);
  assert.equal(ciphertextBytes(MAX_FILE_BYTES), MAX_FILE_BYTES + 25 * 16);
  assert.throws(() => chunkCount(-1), TypeError);
});

test('encrypting the known chunks under the known key gives the pinned ciphertexts', async () => {
  for (const { index, last, plain, ct } of VECTORS) {
    assert.equal(hex(await encryptChunk(key, index, last, Buffer.from(plain))), ct, plain);
  }
  const full = await encryptChunk(key, 0, false, FULL_CHUNK);
  assert.equal(full.length, MAX_CHUNK_CT_BYTES);
  assert.equal(createHash('sha256').update(full).digest('hex'), FULL_CHUNK_CT_SHA256);
  assert.equal(hex(full.subarray(-16)), FULL_CHUNK_TAG);
  await assert.rejects(encryptChunk(key, 0, true, new Uint8Array(CHUNK_BYTES + 1)), RangeError);
});

test('the pinned ciphertexts decrypt to the known chunks', async () => {
  for (const { index, last, plain, ct } of VECTORS) {
    assert.equal(text(await decryptChunk(key, index, last, fromHex(ct))), plain);
  }
});

test('a chunk is refused at another index, with the other last flag, altered, cut or under another key', async () => {
  const [first, second] = VECTORS.map((v) => fromHex(v.ct));
  const other = (await newFileKey()).cryptoKey;
  const flipped = (at, bit) => Uint8Array.from(first, (b, i) => (i === at ? b ^ bit : b));
  const refusals = {
    'the chunks swapped (index 1 served as 0)': () => decryptChunk(key, 0, false, second),
    'the chunks swapped (index 0 served as 1)': () => decryptChunk(key, 1, true, first),
    'the last chunk dropped (the first taken as the last)': () => decryptChunk(key, 0, true, first),
    'a last chunk taken as a middle one (more announced than sent)': () => decryptChunk(key, 1, false, second),
    'a flipped bit in the data': () => decryptChunk(key, 0, false, flipped(3, 1)),
    'a flipped bit in the tag': () => decryptChunk(key, 0, false, flipped(30, 0x80)),
    'a truncated chunk': () => decryptChunk(key, 0, false, first.subarray(0, first.length - 1)),
    'shorter than a tag': () => decryptChunk(key, 0, true, new Uint8Array(15)),
    'another file\'s key': () => decryptChunk(other, 0, false, first),
  };
  for (const [what, attempt] of Object.entries(refusals)) {
    await assert.rejects(attempt, (error) => error instanceof FileIntegrityError && error.reason === 'chunk', what);
  }
});

test('a new file key is random, non-extractable AES-256-GCM, and its text imports to the same key', async () => {
  const one = await newFileKey();
  const two = await newFileKey();
  assert.notEqual(one.key, two.key);
  assert.match(one.key, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(one.cryptoKey.extractable, false);
  assert.deepEqual({ name: one.cryptoKey.algorithm.name, length: one.cryptoKey.algorithm.length }, {
    name: 'AES-GCM', length: 256,
  });
  const ct = await encryptChunk(one.cryptoKey, 3, true, Buffer.from('shared'));
  assert.equal(text(await decryptChunk(await importFileKey(one.key), 3, true, ct)), 'shared');
});

test('a file key that is not 32 bytes of base64url is refused', async () => {
  for (const bad of ['', 'AAAA', `${KEY}A`, `${KEY.slice(0, -1)}=`, null]) {
    await assert.rejects(importFileKey(bad), (error) => error instanceof FileIntegrityError, String(bad));
  }
});

test('SHA-256 matches the standard vector', async () => {
  const abc = Buffer.from('abc');
  assert.equal(hex(await sha256(abc)), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(await sha256Base64Url(abc), createHash('sha256').update(abc).digest('base64url'));
});
