import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { deriveRoomId, deriveRoomKey } from '../../main/webapp/js/crypto.js';
import { toBase64Url } from '../../main/webapp/js/encoding.js';
import { EnvelopeTooLargeError, parseServerFrame, sealChat } from '../../main/webapp/js/protocol.js';
import {
  Kind, newGen, openSignal, parseSignalPayload, sealSignal,
} from '../../main/webapp/js/call/signaling.js';
import { EpochKeys, newEpochSecret } from '../../main/webapp/js/trust/epochs.js';
import { verify } from '../../main/webapp/js/trust/signing.js';
import { fixedMemberKeys } from './member-fixtures.mjs';

// The same known code, key and IV as crypto.test.mjs: the vector pins the signal AAD and its recipient binding.
const CODE = Uint8Array.from({ length: 16 }, (_, i) => i);
const ROOM_KEY_HEX = '819ab8522d92bb61445707c3a6c5194dbcb23c4fa492568361e6535272024663';
const IV = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const ALICE = 'AAECAwQFBgcICQoLDA0ODw';
const BOB = 'EBESExQVFhcYGRobHB0eHw';
const CAROL = 'ICEiIyQlJicoKSorLC0uLw';
const AAD_TEXT = '["sotto/v2","signal","JyvAYOWzpKRaN4Nfct06nW7WNBfLYbl8i4bs6nGkKYU",0,"AAECAwQFBgcICQoLDA0ODw",7,'
  + '"EBESExQVFhcYGRobHB0eHw"]';

const roomId = await deriveRoomId(CODE);
const otherRoomId = await deriveRoomId(new Uint8Array(16));
const key = await deriveRoomKey(CODE);
const ring = new EpochKeys(key);
const alice = await fixedMemberKeys('alice');
const bob = await fixedMemberKeys('bob');
const GEN = newGen();
const OFFER = {
  k: Kind.SDP, gen: GEN, toGen: newGen(), description: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' },
};

const ctx = (from = ALICE, counter = 1, keys = alice, epoch = { epoch: 0, key }) => ({
  roomId, sessionId: from, counter, ...epoch, signKey: keys.sign.privateKey,
});

async function signalFrom(from = ALICE, to = BOB, c = 1, payload = OFFER) {
  return { ...await sealSignal(ctx(from, c), to, payload), from };
}

const flip = (b64, index = 0) => {
  const bytes = Buffer.from(b64, 'base64url');
  bytes[index] ^= 1;
  return bytes.toString('base64url');
};

test('known answer: a sealed hello opens with node:crypto under the pinned AAD, signed with the recipient bound',
  async () => {
    const frame = await sealSignal(ctx(ALICE, 7), BOB, { k: Kind.HELLO }, IV);
    assert.deepEqual({ ...frame, ct: undefined }, {
      t: 'signal', to: BOB, c: 7, iv: 'oKGio6Slpqeoqaqr', ct: undefined,
    });
    const ct = Buffer.from(frame.ct, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(ROOM_KEY_HEX, 'hex'), IV);
    decipher.setAAD(Buffer.from(AAD_TEXT, 'utf8'));
    decipher.setAuthTag(ct.subarray(-16));
    const plain = JSON.parse(Buffer.concat([decipher.update(ct.subarray(0, -16)), decipher.final()]).toString());
    assert.equal(plain.b, '{"k":"hello"}');
    const binding = {
      kind: 'signal', roomId, epoch: 0, from: ALICE, counter: 7, to: BOB,
    };
    assert.equal(await verify(alice.publicKeys.sig, binding, plain.b, plain.s), true);
    assert.equal(await verify(alice.publicKeys.sig, { ...binding, to: CAROL }, plain.b, plain.s), false);
    assert.deepEqual(await openSignal(ring, roomId, BOB, { ...frame, from: ALICE }, alice.publicKeys),
      { k: Kind.HELLO });
  });

test('round trip: the recipient opens what the sender sealed and signed', async () => {
  const frame = await signalFrom();
  assert.equal(frame.t, 'signal');
  assert.equal(frame.to, BOB);
  assert.deepEqual(await openSignal(ring, roomId, BOB, frame, alice.publicKeys), OFFER);
});

test('a signal under the newest epoch opens for members holding it, not for a removed member', async () => {
  const secret = newEpochSecret();
  const members = new EpochKeys(key);
  await members.add(1, secret);
  const frame = { ...await sealSignal(ctx(ALICE, 3, alice, members.highest), BOB, { k: Kind.HELLO }), from: ALICE };
  assert.deepEqual(await openSignal(members, roomId, BOB, frame, alice.publicKeys), { k: Kind.HELLO });
  assert.equal(await openSignal(ring, roomId, BOB, frame, alice.publicKeys), null);
});

test('a signal without the sender\'s known keys, or signed by another member, is dropped', async () => {
  const env = await signalFrom(ALICE, BOB, 4);
  assert.equal(await openSignal(ring, roomId, BOB, env, null), null, 'keys unknown');
  assert.equal(await openSignal(ring, roomId, BOB, env, bob.publicKeys), null, 'other keys');
  const forged = { ...await sealSignal(ctx(ALICE, 5, bob), CAROL, { k: Kind.HELLO }), from: ALICE };
  assert.equal(await openSignal(ring, roomId, CAROL, forged, alice.publicKeys), null, 'in another member\'s name');
});

test('opening fails when the recipient, sender, counter, room, IV or ciphertext change', async () => {
  const env = await signalFrom(ALICE, BOB, 5);
  const keys = alice.publicKeys;
  assert.equal(await openSignal(ring, roomId, CAROL, { ...env, to: CAROL }, keys), null, 'moved to another recipient');
  assert.equal(await openSignal(ring, roomId, CAROL, env, keys), null, 'opened by someone it is not addressed to');
  assert.equal(await openSignal(ring, roomId, BOB, { ...env, from: CAROL }, keys), null, 'other sender');
  assert.equal(await openSignal(ring, roomId, BOB, { ...env, c: 6 }, keys), null, 'other counter');
  assert.equal(await openSignal(ring, otherRoomId, BOB, env, keys), null, 'other room');
  assert.equal(await openSignal(ring, roomId, BOB, { ...env, iv: flip(env.iv, 11) }, keys), null, 'other IV');
  assert.equal(await openSignal(ring, roomId, BOB, { ...env, ct: flip(env.ct) }, keys), null, 'flipped ciphertext');
  assert.equal(await openSignal(ring, roomId, BOB, { ...env, ct: 'AAAA' }, keys), null, 'truncated ciphertext');
  assert.deepEqual(await openSignal(ring, roomId, BOB, env, keys), OFFER, 'the untouched envelope still opens');
});

test('a chat envelope cannot be passed off as a signal', async () => {
  const chat = await sealChat(ctx(ALICE, 9), { text: 'hi', sentAt: 1 });
  assert.equal(await openSignal(ring, roomId, BOB, { ...chat, from: ALICE, to: BOB }, alice.publicKeys), null);
});

test('sealing refuses a bad counter, a bad or own recipient, and payloads over 16,384 bytes', async () => {
  await assert.rejects(sealSignal(ctx(ALICE, 0), BOB, { k: Kind.HELLO }), TypeError);
  await assert.rejects(sealSignal(ctx(), 'nobody', { k: Kind.HELLO }), TypeError);
  await assert.rejects(sealSignal(ctx(), ALICE, { k: Kind.HELLO }), TypeError);
  const huge = { ...OFFER, description: { type: 'offer', sdp: 'a'.repeat(16400) } };
  await assert.rejects(sealSignal(ctx(), BOB, huge), EnvelopeTooLargeError);
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
