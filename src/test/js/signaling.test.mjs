import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { deriveRoomId, deriveRoomKey } from '../../main/webapp/js/crypto.js';
import { toBase64Url, utf8Decode } from '../../main/webapp/js/encoding.js';
import { EnvelopeTooLargeError, parseServerFrame, sealChat } from '../../main/webapp/js/protocol.js';
import {
  Kind, newGen, openSignal, parseSignalPayload, sealSignal, signalAad,
} from '../../main/webapp/js/call/signaling.js';

// The same known code, key and IV as crypto.test.mjs: the vector pins the signal AAD and its recipient binding.
const CODE = Uint8Array.from({ length: 16 }, (_, i) => i);
const ROOM_KEY_HEX = '819ab8522d92bb61445707c3a6c5194dbcb23c4fa492568361e6535272024663';
const IV = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const ALICE = 'AAECAwQFBgcICQoLDA0ODw';
const BOB = 'EBESExQVFhcYGRobHB0eHw';
const CAROL = 'ICEiIyQlJicoKSorLC0uLw';
const AAD_TEXT = '["sotto/v1","signal","JyvAYOWzpKRaN4Nfct06nW7WNBfLYbl8i4bs6nGkKYU","AAECAwQFBgcICQoLDA0ODw",7,'
  + '"EBESExQVFhcYGRobHB0eHw"]';
const HELLO_CT = 'UAAjvhkabnCFSgPIxaeQ1TYNAkfHJHPPXYgJJgc';

const roomId = await deriveRoomId(CODE);
const otherRoomId = await deriveRoomId(new Uint8Array(16));
const key = await deriveRoomKey(CODE);
const GEN = newGen();
const OFFER = {
  k: Kind.SDP, gen: GEN, toGen: newGen(), description: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' },
};

async function signalFrom(from = ALICE, to = BOB, c = 1, payload = OFFER) {
  const frame = await sealSignal(key, { roomId, sessionId: from, counter: c }, to, payload);
  return { ...frame, from };
}

const flip = (b64, index = 0) => {
  const bytes = Buffer.from(b64, 'base64url');
  bytes[index] ^= 1;
  return bytes.toString('base64url');
};

test('the signal AAD binds version, kind, room, sender, counter and recipient', () => {
  assert.equal(utf8Decode(signalAad(roomId, ALICE, 7, BOB)), AAD_TEXT);
});

test('known answer: a sealed hello has the pinned wire form, and node:crypto agrees', async () => {
  const frame = await sealSignal(key, { roomId, sessionId: ALICE, counter: 7 }, BOB, { k: Kind.HELLO }, IV);
  assert.deepEqual(frame, { t: 'signal', to: BOB, c: 7, iv: 'oKGio6Slpqeoqaqr', ct: HELLO_CT });
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(ROOM_KEY_HEX, 'hex'), IV);
  cipher.setAAD(Buffer.from(AAD_TEXT, 'utf8'));
  const ct = Buffer.concat([cipher.update('{"k":"hello"}', 'utf8'), cipher.final(), cipher.getAuthTag()]);
  assert.equal(ct.toString('base64url'), HELLO_CT);
  assert.deepEqual(await openSignal(key, roomId, BOB, { ...frame, from: ALICE }), { k: Kind.HELLO });
});

test('round trip: the recipient opens what the sender sealed', async () => {
  const frame = await signalFrom();
  assert.equal(frame.t, 'signal');
  assert.equal(frame.to, BOB);
  assert.deepEqual(await openSignal(key, roomId, BOB, frame), OFFER);
});

test('opening fails when the recipient, sender, counter, room, IV or ciphertext change', async () => {
  const env = await signalFrom(ALICE, BOB, 5);
  assert.equal(await openSignal(key, roomId, CAROL, { ...env, to: CAROL }), null, 'moved to another recipient');
  assert.equal(await openSignal(key, roomId, CAROL, env), null, 'opened by someone it is not addressed to');
  assert.equal(await openSignal(key, roomId, BOB, { ...env, from: CAROL }), null, 'other sender');
  assert.equal(await openSignal(key, roomId, BOB, { ...env, c: 6 }), null, 'other counter');
  assert.equal(await openSignal(key, otherRoomId, BOB, env), null, 'other room');
  assert.equal(await openSignal(key, roomId, BOB, { ...env, iv: flip(env.iv, 11) }), null, 'other IV');
  assert.equal(await openSignal(key, roomId, BOB, { ...env, ct: flip(env.ct) }), null, 'flipped ciphertext');
  assert.equal(await openSignal(key, roomId, BOB, { ...env, ct: 'AAAA' }), null, 'truncated ciphertext');
  assert.deepEqual(await openSignal(key, roomId, BOB, env), OFFER, 'the untouched envelope still opens');
});

test('a chat envelope cannot be passed off as a signal', async () => {
  const chat = await sealChat(key, { roomId, sessionId: ALICE, counter: 9 }, { text: 'hi', nick: 'A', sentAt: 1 });
  assert.equal(await openSignal(key, roomId, BOB, { ...chat, from: ALICE, to: BOB }), null);
});

test('sealing refuses a bad counter, a bad or own recipient, and payloads over 16,384 bytes', async () => {
  const sender = { roomId, sessionId: ALICE, counter: 1 };
  await assert.rejects(sealSignal(key, { ...sender, counter: 0 }, BOB, { k: Kind.HELLO }), TypeError);
  await assert.rejects(sealSignal(key, sender, 'nobody', { k: Kind.HELLO }), TypeError);
  await assert.rejects(sealSignal(key, sender, ALICE, { k: Kind.HELLO }), TypeError);
  const huge = { ...OFFER, description: { type: 'offer', sdp: 'a'.repeat(16400) } };
  await assert.rejects(sealSignal(key, sender, BOB, huge), EnvelopeTooLargeError);
});

test('payloads of every kind validate, and only their known fields are kept', () => {
  const media = { mic: true, cam: false, screen: true };
  const candidate = {
    candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0,
    usernameFragment: 'abcd',
  };
  const valid = [
    { k: 'hello' },
    { k: 'join', gen: GEN, media, screenStream: '3b5e7f1c-0d3a-4c4e-9d1a-2f0e1b2c3d4e' },
    { k: 'here', gen: GEN, media, screenStream: null },
    { k: 'state', gen: GEN, media, screenStream: '{3b5e7f1c-0d3a}' },
    { k: 'leave', gen: GEN },
    OFFER,
    { k: 'sdp', gen: GEN, toGen: GEN, description: { type: 'answer', sdp: 'v=0\r\n' } },
    { k: 'ice', gen: GEN, toGen: GEN, candidate },
    { k: 'ice', gen: GEN, toGen: GEN, candidate: { ...candidate, sdpMid: null, usernameFragment: null } },
  ];
  for (const payload of valid) assert.deepEqual(parseSignalPayload(payload), payload, payload.k);
  assert.deepEqual(parseSignalPayload({ k: 'leave', gen: GEN, extra: 1, __proto__: { polluted: 1 } }),
    { k: 'leave', gen: GEN });
});

test('malformed payloads are dropped', () => {
  const media = { mic: true, cam: true, screen: false };
  const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 5 typ host', sdpMid: '0', sdpMLineIndex: 0 };
  const cases = [
    ['not an object', 'hello'],
    ['an array', [1]],
    ['no kind', {}],
    ['unknown kind', { k: 'bye' }],
    ['inherited kind', { k: 'toString' }],
    ['join without media', { k: 'join', gen: GEN, screenStream: null }],
    ['join with media flags as strings', { k: 'join', gen: GEN, media: { ...media, mic: 'yes' }, screenStream: null }],
    ['join without screenStream', { k: 'join', gen: GEN, media }],
    ['join with a bad stream ID', { k: 'join', gen: GEN, media, screenStream: 'a b' }],
    ['join with an over-long stream ID', { k: 'join', gen: GEN, media, screenStream: 'x'.repeat(65) }],
    ['here with a short generation', { k: 'here', gen: 'abc', media, screenStream: null }],
    ['leave without generation', { k: 'leave' }],
    ['sdp of a rollback', { ...OFFER, description: { type: 'rollback', sdp: '' } }],
    ['sdp without the recipient generation', { ...OFFER, toGen: undefined }],
    ['sdp over 15,000 characters', { ...OFFER, description: { type: 'offer', sdp: 'a'.repeat(15001) } }],
    ['sdp as a number', { ...OFFER, description: { type: 'offer', sdp: 5 } }],
    ['ice without candidate', { k: 'ice', gen: GEN, toGen: GEN }],
    ['ice without mid or index', { k: 'ice', gen: GEN, toGen: GEN, candidate: { candidate: 'candidate:x' } }],
    ['ice with a negative index', { k: 'ice', gen: GEN, toGen: GEN, candidate: { ...candidate, sdpMLineIndex: -1 } }],
    ['ice with an over-long candidate', {
      k: 'ice', gen: GEN, toGen: GEN, candidate: { ...candidate, candidate: 'c'.repeat(1025) },
    }],
  ];
  for (const [name, payload] of cases) assert.equal(parseSignalPayload(payload), null, name);
});

test('a relayed signal frame parses; malformed ones do not', () => {
  const CT = toBase64Url(new Uint8Array(40));
  const frame = { t: 'signal', from: ALICE, to: BOB, c: 3, iv: 'oKGio6Slpqeoqaqr', ct: CT };
  assert.deepEqual(parseServerFrame(JSON.stringify(frame)), frame);
  for (const bad of [
    { ...frame, to: undefined },
    { ...frame, to: 'nobody' },
    { ...frame, from: 'x' },
    { ...frame, c: 0 },
    { ...frame, ct: toBase64Url(new Uint8Array(16385)) },
    { ...frame, ct: toBase64Url(new Uint8Array(15)) },
  ]) {
    assert.equal(parseServerFrame(JSON.stringify(bad)), null, JSON.stringify(bad).slice(0, 80));
  }
});

test('generations are 8 random bytes, base64url', () => {
  const a = newGen();
  assert.match(a, /^[A-Za-z0-9_-]{11}$/);
  assert.notEqual(a, newGen());
});
