import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, hkdfSync } from 'node:crypto';
import {
  deriveRoomId, deriveRoomKey, open, ROOM_ID_INFO, ROOM_KEY_INFO, seal,
} from '../../main/webapp/js/crypto.js';
import { toBase64Url, utf8Decode, utf8Encode } from '../../main/webapp/js/encoding.js';
import { envelopeAad } from '../../main/webapp/js/protocol.js';

// Known-answer vectors: they pin the labels and the derivations. Changing any of them breaks every room.
// (The room ID and epoch-0 key labels stay "sotto/v1/…" in protocol version 2: the same code gives the same room.)
const CODE = Uint8Array.from({ length: 16 }, (_, i) => i);
const ROOM_ID = 'JyvAYOWzpKRaN4Nfct06nW7WNBfLYbl8i4bs6nGkKYU';
const ROOM_KEY_HEX = '819ab8522d92bb61445707c3a6c5194dbcb23c4fa492568361e6535272024663';
const IV = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const SENDER = 'AAECAwQFBgcICQoLDA0ODw';
const AAD_TEXT = '["sotto/v2","chat","JyvAYOWzpKRaN4Nfct06nW7WNBfLYbl8i4bs6nGkKYU",0,"AAECAwQFBgcICQoLDA0ODw",1]';
const PLAINTEXT = '{"text":"hello","sentAt":1700000000000}';
const CIPHERTEXT = 'UAA8-VtMJC_LTgmG1CrANV6qMSHXfIluFph_cLMvfbK7f586wOigVOC9iSL81jSzif1kY-_9ig';

const hkdf = (info) => Buffer.from(hkdfSync('sha256', CODE, new Uint8Array(0), info, 32));

test('the labels are the versioned ones of the protocol', () => {
  assert.equal(ROOM_ID_INFO, 'sotto/v1/room-id');
  assert.equal(ROOM_KEY_INFO, 'sotto/v1/room-key');
});

test('room ID of the known code matches the vector and node:crypto HKDF', async () => {
  assert.equal(hkdf(ROOM_ID_INFO).toString('base64url'), ROOM_ID);
  assert.equal(await deriveRoomId(CODE), ROOM_ID);
});

test('room key of the known code matches the vector and node:crypto HKDF', () => {
  assert.equal(hkdf(ROOM_KEY_INFO).toString('hex'), ROOM_KEY_HEX);
});

test('room key is a non-extractable AES-256-GCM key', async () => {
  const key = await deriveRoomKey(CODE);
  assert.equal(key.extractable, false);
  assert.deepEqual({ name: key.algorithm.name, length: key.algorithm.length }, { name: 'AES-GCM', length: 256 });
  assert.deepEqual([...key.usages].sort(), ['decrypt', 'encrypt']);
});

test('sealing with the derived key, a fixed IV and the v2 AAD of epoch 0 gives the known ciphertext', async () => {
  const key = await deriveRoomKey(CODE);
  const aad = envelopeAad('chat', ROOM_ID, 0, SENDER, 1);
  assert.equal(utf8Decode(aad), AAD_TEXT);
  const { iv, ct } = await seal(key, aad, utf8Encode(PLAINTEXT), IV);
  assert.deepEqual(iv, IV);
  assert.equal(toBase64Url(ct), CIPHERTEXT);

  const cipher = createCipheriv('aes-256-gcm', Buffer.from(ROOM_KEY_HEX, 'hex'), IV);
  cipher.setAAD(aad);
  const nodeCt = Buffer.concat([cipher.update(PLAINTEXT, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  assert.equal(nodeCt.toString('base64url'), CIPHERTEXT);
});

test('seal then open returns the plaintext, and IVs are fresh', async () => {
  const key = await deriveRoomKey(CODE);
  const aad = utf8Encode('aad');
  const a = await seal(key, aad, utf8Encode('secret'));
  const b = await seal(key, aad, utf8Encode('secret'));
  assert.equal(a.iv.length, 12);
  assert.notDeepEqual(a.iv, b.iv);
  assert.equal(utf8Decode(await open(key, aad, a.iv, a.ct)), 'secret');
});

test('open fails with another key, IV, AAD or a flipped ciphertext bit', async () => {
  const key = await deriveRoomKey(CODE);
  const other = await deriveRoomKey(Uint8Array.from({ length: 16 }, (_, i) => 15 - i));
  const aad = utf8Encode('aad');
  const { iv, ct } = await seal(key, aad, utf8Encode('secret'));
  await assert.rejects(open(other, aad, iv, ct));
  await assert.rejects(open(key, utf8Encode('aae'), iv, ct));
  const badIv = iv.slice();
  badIv[0] ^= 1;
  await assert.rejects(open(key, aad, badIv, ct));
  const badCt = ct.slice();
  badCt[3] ^= 0x80;
  await assert.rejects(open(key, aad, iv, badCt));
  await assert.rejects(open(key, aad, iv, ct.slice(0, 10)));
});
