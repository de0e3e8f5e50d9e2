// The announcement of a file: a signed chat envelope whose body is {"type":"file","sentAt","file":{...}}.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seal, deriveRoomId, deriveRoomKey } from '../../main/webapp/js/crypto.js';
import { toBase64Url, utf8Encode } from '../../main/webapp/js/encoding.js';
import { MAX_FILE_BYTES } from '../../main/webapp/js/files/file-crypto.js';
import {
  envelopeAad, EnvelopeTooLargeError, MAX_CT_BYTES, MAX_THUMB_BYTES, openChat, parseServerFrame, sealFileMessage,
  THUMB_FIT_BYTES,
} from '../../main/webapp/js/protocol.js';
import { EpochKeys } from '../../main/webapp/js/trust/epochs.js';
import { sign } from '../../main/webapp/js/trust/signing.js';
import { fixedMemberKeys } from './member-fixtures.mjs';

const CODE = Uint8Array.from({ length: 16 }, (_, i) => i);
const ALICE = 'AAECAwQFBgcICQoLDA0ODw';
const roomId = await deriveRoomId(CODE);
const key = await deriveRoomKey(CODE);
const ring = new EpochKeys(key);
const alice = await fixedMemberKeys('alice');
const bob = await fixedMemberKeys('bob');

const jpeg = (length) => toBase64Url(Uint8Array.from({ length }, (_, i) => [0xff, 0xd8, 0xff][i] ?? i & 0xff));
const FILE = {
  id: 'EBESExQVFhcYGRobHB0eHw',
  key: toBase64Url(new Uint8Array(32).fill(1)),
  name: 'Harbour at dawn.jpg',
  mime: 'image/jpeg',
  size: 2_500_000,
  chunks: 3,
  sha256: toBase64Url(new Uint8Array(32).fill(2)),
  thumb: jpeg(900),
  w: 4032,
  h: 3024,
};
const SENT_AT = 1_700_000_000_000;

let counter = 0;
const ctx = (keys = alice) => {
  counter += 1;
  return {
    roomId, sessionId: ALICE, counter, epoch: 0, key, signKey: keys.sign.privateKey,
  };
};

async function sealed(body, keys = alice) {
  return { ...await sealFileMessage(ctx(keys), body), from: ALICE };
}

/** Seals any body text, signed by Alice, as sealFileMessage would if it did not check the body. */
async function sealedRaw(bodyText) {
  const c = ctx();
  const s = await sign(alice.sign.privateKey, {
    kind: 'chat', roomId, epoch: 0, from: ALICE, counter: c.counter,
  }, bodyText);
  const { iv, ct } = await seal(key, envelopeAad('chat', roomId, 0, ALICE, c.counter), utf8Encode(JSON.stringify({
    b: bodyText, s,
  })));
  return {
    from: ALICE, c: c.counter, iv: toBase64Url(iv), ct: toBase64Url(ct),
  };
}

const bodyWith = (file, extra = {}) => JSON.stringify({
  type: 'file', sentAt: SENT_AT, file, ...extra,
});

test('a file announcement is a chat frame that opens, verified, to the file it describes', async () => {
  const frame = await sealFileMessage(ctx(), { file: FILE, sentAt: SENT_AT });
  assert.deepEqual(Object.keys(frame), ['t', 'c', 'iv', 'ct']);
  assert.equal(frame.t, 'msg');
  assert.deepEqual(await openChat(ring, roomId, { ...frame, from: ALICE }, alice.publicKeys), {
    epoch: 0, verified: true, kind: 'file', sentAt: SENT_AT, nick: '', file: FILE,
  });
  const stored = parseServerFrame(JSON.stringify({ ...frame, from: ALICE, seq: 4, at: 1 }));
  assert.ok(stored, 'the relay and history take it as any chat message');
});

test('an announcement without a thumbnail, with a nickname, or from a sender of unknown keys', async () => {
  const { thumb, w, h, ...plain } = FILE;
  const env = await sealed({ file: { ...plain, mime: '' }, sentAt: SENT_AT, nick: 'Quiet Otter' });
  assert.deepEqual(await openChat(ring, roomId, env, null), {
    epoch: 0, verified: false, kind: 'file', sentAt: SENT_AT, nick: 'Quiet Otter', file: { ...plain, mime: '' },
  });
});

test('an announcement signed by another member than the sender it names is refused', async () => {
  const forged = await sealed({ file: FILE, sentAt: SENT_AT }, bob);
  assert.equal(await openChat(ring, roomId, forged, alice.publicKeys), null);
});

test('opening keeps only the known fields of the file', async () => {
  const env = await sealedRaw(bodyWith({ ...FILE, url: 'https://evil.example/x' }, { text: 'ignored' }));
  const opened = await openChat(ring, roomId, env, alice.publicKeys);
  assert.deepEqual(opened.file, FILE);
  assert.equal(opened.text, undefined);
});

const MALFORMED = {
  'an ID of another length': { id: 'AAAA' },
  'a numeric ID': { id: 5 },
  'a path for an ID': { id: '../../messages' },
  'a short key': { key: toBase64Url(new Uint8Array(31)) },
  'a padded key': { key: `${FILE.key}=` },
  'an empty name': { name: '' },
  'a name of 256 characters': { name: 'x'.repeat(256) },
  'a name with a line break': { name: 'a\nb.txt' },
  'a name with a lone surrogate': { name: 'a\ud800.txt' },
  'a numeric name': { name: 7 },
  'a type of 128 characters': { mime: `a/${'b'.repeat(126)}` },
  'a type outside printable ASCII': { mime: 'image/jpé' },
  'a missing type': { mime: undefined },
  'a negative size': { size: -1 },
  'a fractional size': { size: 1.5 },
  'a size as text': { size: '2500000' },
  'a size over the maximum': { size: MAX_FILE_BYTES + 1, chunks: 26 },
  'a chunk count the size does not need': { chunks: 4 },
  'no chunk count': { chunks: undefined },
  'a short hash': { sha256: toBase64Url(new Uint8Array(31)) },
  'a thumbnail that is not base64url': { thumb: 'not base64!' },
  'a thumbnail that is not a JPEG': { thumb: toBase64Url(Uint8Array.of(0x89, 0x50, 0x4e, 0x47)) },
  'a thumbnail of 12,001 bytes': { thumb: jpeg(12_001) },
  'a width without a height': { h: undefined },
  'a width of 0': { w: 0 },
  'a height over 65,535': { h: 65_536 },
  'a fractional width': { w: 10.5 },
};

test('each malformed field of the file is refused by the sender and dropped by receivers', async () => {
  for (const [what, change] of Object.entries(MALFORMED)) {
    const file = { ...FILE, ...change };
    await assert.rejects(sealFileMessage(ctx(), { file, sentAt: SENT_AT }), TypeError, what);
    assert.equal(await openChat(ring, roomId, await sealedRaw(bodyWith(file)), alice.publicKeys), null, what);
  }
});

test('a malformed announcement body is dropped', async () => {
  const bodies = {
    'no file': bodyWith(undefined),
    'a file list': bodyWith([FILE]),
    'a sentAt as text': bodyWith(FILE, { sentAt: 'now' }),
    'a nickname of 41 characters': bodyWith(FILE, { nick: 'x'.repeat(41) }),
    'a text message claiming to be a file': JSON.stringify({ type: 'file', text: 'hello', sentAt: SENT_AT }),
  };
  for (const [what, body] of Object.entries(bodies)) {
    assert.equal(await openChat(ring, roomId, await sealedRaw(body), alice.publicKeys), null, what);
  }
  await assert.rejects(sealFileMessage(ctx(), { file: FILE, sentAt: 'now' }), TypeError);
  await assert.rejects(sealFileMessage(ctx(), { file: FILE, sentAt: SENT_AT, nick: 'x'.repeat(41) }), TypeError);
});

test('a thumbnail of up to 12,000 bytes is taken; senders make ones that fit any announcement', async () => {
  assert.equal(MAX_THUMB_BYTES, 12_000);
  const largest = { ...FILE, thumb: jpeg(MAX_THUMB_BYTES) };
  const opened = await openChat(ring, roomId, await sealedRaw(bodyWith(largest)), alice.publicKeys);
  assert.equal(opened.file.thumb, largest.thumb);
  await assert.rejects(sealFileMessage(ctx(), { file: largest, sentAt: SENT_AT }), EnvelopeTooLargeError,
    '12,000 bytes of thumbnail do not fit in a chat ciphertext');

  // The worst case: a name, type and nickname of the characters that grow most under the two JSON encodings.
  const worst = {
    ...FILE, name: '"'.repeat(255), mime: '\\'.repeat(127), size: MAX_FILE_BYTES, chunks: 25,
    thumb: jpeg(THUMB_FIT_BYTES), w: 65_535, h: 65_535,
  };
  const frame = await sealFileMessage(ctx(), { file: worst, sentAt: -Number.MAX_VALUE, nick: '\u0001'.repeat(40) });
  assert.ok(Buffer.from(frame.ct, 'base64url').length <= MAX_CT_BYTES.chat);
});
