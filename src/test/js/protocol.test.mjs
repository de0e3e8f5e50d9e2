import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { deriveRoomId, deriveRoomKey, seal } from '../../main/webapp/js/crypto.js';
import { toBase64Url, utf8Encode } from '../../main/webapp/js/encoding.js';
import {
  authFrame, encodeFrame, envelopeAad, EnvelopeTooLargeError, openChat, openProfile, openSignal, parseHistoryPage,
  parseServerFrame, parseSessionGrant, sealChat, sealHandover, sealKnock, sealProfile, sealSignal,
} from '../../main/webapp/js/protocol.js';
import { EpochKeys, newEpochSecret } from '../../main/webapp/js/trust/epochs.js';
import { createMemberKeys } from '../../main/webapp/js/trust/member-keys.js';
import { sign } from '../../main/webapp/js/trust/signing.js';
import { fixedMemberKeys } from './member-fixtures.mjs';

const CODE = Uint8Array.from({ length: 16 }, (_, i) => i);
const ROOM_KEY_HEX = '819ab8522d92bb61445707c3a6c5194dbcb23c4fa492568361e6535272024663';
const IV = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const ALICE = 'AAECAwQFBgcICQoLDA0ODw';
const BOB = 'EBESExQVFhcYGRobHB0eHw';
const CAROL = 'ICEiIyQlJicoKSorLC0uLw';
const TOKEN = toBase64Url(new Uint8Array(32).fill(7));
const CHAT = { text: 'hello', sentAt: 1700000000000, nick: 'Quiet Otter' };

const roomId = await deriveRoomId(CODE);
const otherRoomId = await deriveRoomId(new Uint8Array(16));
const key = await deriveRoomKey(CODE);
const alice = await fixedMemberKeys('alice');
const bob = await fixedMemberKeys('bob');
const mallory = await createMemberKeys();
const ring = new EpochKeys(key);

const ctx = (from = ALICE, counter = 1, keys = alice, epoch = { epoch: 0, key }) => ({
  roomId, sessionId: from, counter, ...epoch, signKey: keys.sign.privateKey,
});

async function chatFrom(from = ALICE, c = 1, keys = alice, body = CHAT) {
  return { ...await sealChat(ctx(from, c, keys), body), from };
}

const flip = (b64, index = 0) => {
  const bytes = Buffer.from(b64, 'base64url');
  bytes[index] ^= 1;
  return bytes.toString('base64url');
};

test('a sealed chat frame has the wire shape; its plaintext is the body text and its signature', async () => {
  const frame = await sealChat(ctx(), CHAT, IV);
  assert.deepEqual(Object.keys(frame), ['t', 'c', 'iv', 'ct']);
  assert.equal(frame.t, 'msg');
  assert.equal(frame.iv, 'oKGio6Slpqeoqaqr');
  const ct = Buffer.from(frame.ct, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(ROOM_KEY_HEX, 'hex'), IV);
  decipher.setAAD(Buffer.from(`["sotto/v2","chat","${roomId}",0,"${ALICE}",1]`, 'utf8'));
  decipher.setAuthTag(ct.subarray(-16));
  const plain = JSON.parse(Buffer.concat([decipher.update(ct.subarray(0, -16)), decipher.final()]).toString('utf8'));
  assert.deepEqual(Object.keys(plain), ['b', 's']);
  assert.equal(plain.b, '{"text":"hello","sentAt":1700000000000,"nick":"Quiet Otter"}');
  assert.match(plain.s, /^[A-Za-z0-9_-]{86}$/, '64 bytes, base64url');
});

test('a chat round trip verifies under the sender\'s keys', async () => {
  assert.deepEqual(await openChat(ring, roomId, await chatFrom(), alice.publicKeys), {
    epoch: 0, verified: true, kind: 'text', ...CHAT,
  });
});

test('a chat from a sender whose keys are unknown opens as unverified', async () => {
  assert.deepEqual(await openChat(ring, roomId, await chatFrom(), null), {
    epoch: 0, verified: false, kind: 'text', ...CHAT,
  });
});

test('a member who seals in another member\'s name is refused: the signature is not the named sender\'s', async () => {
  const forged = await chatFrom(ALICE, 4, bob);
  assert.equal(await openChat(ring, roomId, forged, alice.publicKeys), null);
  assert.equal(await openChat(ring, roomId, await chatFrom(ALICE, 4), bob.publicKeys), null, 'under other keys');
});

test('opening fails when any AAD field, the IV or the ciphertext changes', async () => {
  const env = await chatFrom(ALICE, 5);
  const keys = alice.publicKeys;
  assert.equal(await openChat(ring, otherRoomId, env, keys), null, 'other room');
  assert.equal(await openChat(ring, roomId, { ...env, from: BOB }, bob.publicKeys), null, 'other sender');
  assert.equal(await openChat(ring, roomId, { ...env, c: 6 }, keys), null, 'other counter');
  assert.equal(await openProfile(ring, roomId, env), null, 'other kind');
  assert.equal(await openChat(ring, roomId, { ...env, iv: flip(env.iv, 11) }, keys), null, 'other IV');
  assert.equal(await openChat(ring, roomId, { ...env, ct: flip(env.ct) }, keys), null, 'flipped ciphertext');
  assert.equal(await openChat(ring, roomId, { ...env, ct: 'AAAA' }, keys), null, 'truncated ciphertext');
  assert.equal((await openChat(ring, roomId, env, keys)).text, 'hello', 'the untouched envelope still opens');
});

test('a message sealed under epoch 1 stays closed to a removed member holding epoch 0 only', async () => {
  const secret = newEpochSecret();
  const members = new EpochKeys(key);
  await members.add(1, secret);
  const env = { ...await sealChat(ctx(ALICE, 8, alice, members.highest), CHAT), from: ALICE };
  assert.equal(await openChat(new EpochKeys(key), roomId, env, alice.publicKeys), null, 'the removed member');
  const other = new EpochKeys(key);
  await other.add(1, secret);
  assert.deepEqual(await openChat(other, roomId, env, alice.publicKeys), {
    epoch: 1, verified: true, kind: 'text', ...CHAT,
  });
  const older = await chatFrom(ALICE, 9);
  assert.equal((await openChat(other, roomId, older, alice.publicKeys)).epoch, 0, 'older epochs still open');
});

test('a hand-over is sealed under epoch 0, signed, and opens with its wraps', async () => {
  const wraps = [{ to: BOB, iv: 'oKGio6Slpqeoqaqr', ct: toBase64Url(new Uint8Array(48)) }];
  const env = { ...await sealHandover(ctx(ALICE, 10), { epoch: 1, wraps }), from: ALICE };
  assert.equal(env.t, 'msg');
  assert.deepEqual(await openChat(ring, roomId, env, alice.publicKeys), {
    epoch: 0, verified: true, kind: 'epoch', handover: { epoch: 1, wraps },
  });
  const members = new EpochKeys(key);
  await members.add(1, newEpochSecret());
  await assert.rejects(sealHandover(ctx(ALICE, 11, alice, members.highest), { epoch: 2, wraps }), TypeError);
  await assert.rejects(sealHandover(ctx(ALICE, 11), { epoch: 0, wraps }), TypeError);
  await assert.rejects(sealHandover(ctx(ALICE, 11), { epoch: 1, wraps: [{ to: BOB }] }), TypeError);
  const tooMany = Array.from({ length: 61 }, () => wraps[0]);
  await assert.rejects(sealHandover(ctx(ALICE, 11), { epoch: 1, wraps: tooMany }), TypeError);
});

async function sealRaw(kind, from, c, keys, bodyText, epoch = 0, epochKey = key) {
  const binding = {
    kind, roomId, epoch, from, counter: c,
  };
  const s = await sign(keys.sign.privateKey, binding, bodyText);
  const plaintext = utf8Encode(JSON.stringify({ b: bodyText, s }));
  const sealed = await seal(epochKey, envelopeAad(kind, roomId, epoch, from, c), plaintext);
  return {
    from, c, iv: toBase64Url(sealed.iv), ct: toBase64Url(sealed.ct),
  };
}

test('a hand-over sealed under a later epoch is not taken', async () => {
  const secret = newEpochSecret();
  const members = new EpochKeys(key);
  await members.add(1, secret);
  const body = JSON.stringify({ type: 'epoch', epoch: 2, wraps: [] });
  const env = await sealRaw('chat', ALICE, 12, alice, body, 1, members.highest.key);
  assert.equal(await openChat(members, roomId, env, alice.publicKeys), null);
});

test('signed plaintexts of the wrong shape are dropped after opening', async () => {
  const bodies = [
    '{"text":"x","sentAt":"yesterday"}',
    '{"text":5,"sentAt":1}',
    `{"text":"${'x'.repeat(4001)}","sentAt":1}`,
    '{"type":"poll","text":"x","sentAt":1}',
    '{"type":"epoch","epoch":1,"wraps":[{"to":"x"}]}',
    '["text"]',
    'not json',
  ];
  for (const [i, body] of bodies.entries()) {
    const env = await sealRaw('chat', ALICE, 20 + i, alice, body);
    assert.equal(await openChat(ring, roomId, env, alice.publicKeys), null, body.slice(0, 40));
  }
});

test('a profile opens with the keys it carries and its self-signature', async () => {
  const profile = { nick: 'Quiet Otter', keys: alice.publicKeys };
  const env = { ...await sealProfile(ctx(ALICE, 2), profile), from: ALICE };
  assert.equal(env.t, 'profile');
  assert.deepEqual(await openProfile(ring, roomId, env), { epoch: 0, ...profile });
  assert.equal(await openChat(ring, roomId, env, alice.publicKeys), null, 'a profile is not a chat');
  assert.equal(await openProfile(ring, roomId, env, 'knock'), null, 'nor a knock');
});

test('a profile announcing keys it was not signed with is refused', async () => {
  const signedByMallory = await sealProfile(ctx(ALICE, 3, mallory), { nick: 'Otter', keys: alice.publicKeys });
  const swapped = { ...signedByMallory, from: ALICE };
  assert.equal(await openProfile(ring, roomId, swapped), null);
  const halfSwapped = { nick: 'Otter', keys: { sig: alice.publicKeys.sig, dh: mallory.publicKeys.dh } };
  const ok = { ...await sealProfile(ctx(ALICE, 4), halfSwapped), from: ALICE };
  assert.deepEqual((await openProfile(ring, roomId, ok)).keys, halfSwapped.keys, 'the signature covers both keys');
  const body = JSON.stringify({ nick: 'Otter', keys: { sig: alice.publicKeys.sig, dh: 'AAAA' } });
  assert.equal(await openProfile(ring, roomId, await sealRaw('profile', ALICE, 5, alice, body)), null, 'a bad key');
});

test('a knock is sealed and opened like a profile, under its own kind', async () => {
  const env = { ...await sealKnock(ctx(CAROL, 1, bob), { nick: 'Knocker', keys: bob.publicKeys }), from: CAROL };
  assert.equal(env.t, 'knock');
  assert.deepEqual(await openProfile(ring, roomId, env, 'knock'), { epoch: 0, nick: 'Knocker', keys: bob.publicKeys });
  assert.equal(await openProfile(ring, roomId, env), null, 'not a profile');
});

test('a signal opens only for its recipient binding and with the sender\'s keys', async () => {
  const frame = await sealSignal(ctx(ALICE, 30), BOB, { k: 'hello' });
  assert.deepEqual(Object.keys(frame), ['t', 'to', 'c', 'iv', 'ct']);
  const env = { ...frame, from: ALICE };
  assert.deepEqual(await openSignal(ring, roomId, env, alice.publicKeys), { k: 'hello' });
  assert.equal(await openSignal(ring, roomId, env, null), null, 'unsigned is never enough');
  assert.equal(await openSignal(ring, roomId, env, bob.publicKeys), null, 'other keys');
  assert.equal(await openSignal(ring, roomId, { ...env, to: CAROL }, alice.publicKeys), null, 'moved');
});

test('sealing refuses over-long text and nicknames, bad keys, counters and epochs', async () => {
  await assert.rejects(sealChat(ctx(), { ...CHAT, text: 'x'.repeat(4001) }), EnvelopeTooLargeError);
  await assert.doesNotReject(sealChat(ctx(), { ...CHAT, text: 'x'.repeat(4000) }));
  await assert.rejects(sealChat(ctx(), { text: 'x' }), TypeError);
  await assert.rejects(sealChat(ctx(ALICE, 0), CHAT), TypeError);
  await assert.rejects(sealChat({ ...ctx(), epoch: -1 }, CHAT), TypeError);
  // 4000 control characters become 24,000 bytes of JSON: over the 16,384-byte ciphertext limit.
  await assert.rejects(sealChat(ctx(), { ...CHAT, text: '\u0001'.repeat(4000) }), EnvelopeTooLargeError);
  await assert.rejects(sealProfile(ctx(), { nick: 'n'.repeat(41), keys: alice.publicKeys }), TypeError);
  await assert.rejects(sealProfile(ctx(), { nick: 'n', keys: { sig: 'AAAA', dh: 'AAAA' } }), TypeError);
  // The longest nickname of control characters, escaped twice, still fits in a 1,024-byte knock.
  await assert.doesNotReject(sealKnock(ctx(), { nick: '\u0001'.repeat(40), keys: alice.publicKeys }));
});

test('client frames serialise as the protocol says', () => {
  assert.equal(encodeFrame(authFrame(TOKEN, 12)), `{"t":"auth","token":"${TOKEN}","since":12}`);
});

const IV16 = 'oKGio6Slpqeoqaqr';
const CT = toBase64Url(new Uint8Array(40));
const valid = {
  welcome: {
    t: 'welcome', sessionId: ALICE, ownerId: BOB, owner: false, latestSeq: 4, maxCounter: 9,
    profiles: [{ from: BOB, c: 1, iv: IV16, ct: CT }], locked: true, knock: true, sealed: false,
    knocks: [{ from: CAROL, c: 1, iv: IV16, ct: CT }],
  },
  waiting: { t: 'waiting', sessionId: CAROL },
  admitted: { t: 'admitted' },
  knock: { t: 'knock', from: CAROL, c: 2, iv: IV16, ct: CT },
  room: {
    t: 'room', locked: false, knock: true, sealed: true,
  },
  owner: { t: 'owner', ownerId: BOB },
  left: { t: 'left', from: BOB, removed: true },
  msg: { t: 'msg', seq: 3, from: ALICE, c: 2, iv: IV16, ct: CT, at: 1700000000000 },
  ack: { t: 'ack', c: 2, seq: 3 },
  profile: { t: 'profile', from: BOB, c: 4, iv: IV16, ct: CT },
  presence: { t: 'presence', online: [ALICE, BOB] },
  typing: { t: 'typing', from: BOB },
  pong: { t: 'pong' },
  gone: { t: 'gone' },
  error: { t: 'error', code: 'rate_limited', message: 'slow down', c: 5, retryAfterMs: 1500 },
};

test('well-formed server frames parse to their fields', () => {
  for (const [type, frame] of Object.entries(valid)) {
    assert.deepEqual(parseServerFrame(JSON.stringify(frame)), frame, type);
  }
  assert.deepEqual(parseServerFrame('{"t":"error","code":"bad_frame","message":"no"}'),
    { t: 'error', code: 'bad_frame', message: 'no' });
});

test('frames of a server before issue 12 parse with the new fields at their defaults', () => {
  const {
    locked, knock, sealed, knocks, ...older
  } = valid.welcome;
  assert.deepEqual(parseServerFrame(JSON.stringify(older)), {
    ...older, locked: false, knock: false, sealed: false, knocks: [],
  });
  assert.deepEqual(parseServerFrame(`{"t":"left","from":"${BOB}"}`), { t: 'left', from: BOB, removed: false });
});

test('unknown fields are not carried over', () => {
  const parsed = parseServerFrame('{"t":"ack","c":2,"seq":3,"evil":true,"__proto__":{"polluted":1}}');
  assert.deepEqual(Object.keys(parsed).sort(), ['c', 'seq', 't']);
  assert.equal(parsed.polluted, undefined);
});

test('malformed frames are rejected', () => {
  const cases = [
    ['not JSON', 'nope'],
    ['an array', '[1]'],
    ['null', 'null'],
    ['no type', '{}'],
    ['type not a string', '{"t":1}'],
    ['unknown type', '{"t":"hello"}'],
    ['inherited type', '{"t":"toString"}'],
    ['welcome without profiles', { ...valid.welcome, profiles: undefined }],
    ['welcome with a bad profile', { ...valid.welcome, profiles: [{ from: BOB, c: 0, iv: IV16, ct: CT }] }],
    ['welcome with a short session ID', { ...valid.welcome, sessionId: 'abc' }],
    ['welcome with owner as string', { ...valid.welcome, owner: 'yes' }],
    ['welcome with locked as string', { ...valid.welcome, locked: 'no' }],
    ['welcome with knocks not a list', { ...valid.welcome, knocks: {} }],
    ['welcome with a knock over 1,024 bytes', {
      ...valid.welcome, knocks: [{ ...valid.knock, ct: toBase64Url(new Uint8Array(1025)) }],
    }],
    ['waiting without session', { t: 'waiting' }],
    ['knock without sender', { ...valid.knock, from: undefined }],
    ['room without sealed', { t: 'room', locked: false, knock: true }],
    ['room with a flag as number', { ...valid.room, knock: 1 }],
    ['owner with a bad ID', { t: 'owner', ownerId: 'x' }],
    ['left with removed as string', { ...valid.left, removed: 'true' }],
    ['msg with seq 0', { ...valid.msg, seq: 0 }],
    ['msg with fractional counter', { ...valid.msg, c: 1.5 }],
    ['msg with counter beyond 2^53-1', { ...valid.msg, c: 2 ** 53 }],
    ['msg with counter as string', { ...valid.msg, c: '2' }],
    ['msg with a padded IV', { ...valid.msg, iv: `${IV16}==` }],
    ['msg with an 11-byte IV', { ...valid.msg, iv: toBase64Url(new Uint8Array(11)) }],
    ['msg with a standard-base64 ciphertext', { ...valid.msg, ct: `${CT.slice(0, -2)}+/` }],
    ['msg with a ciphertext shorter than the tag', { ...valid.msg, ct: toBase64Url(new Uint8Array(15)) }],
    ['msg with a ciphertext over 16,384 bytes', { ...valid.msg, ct: toBase64Url(new Uint8Array(16385)) }],
    ['msg without at', { ...valid.msg, at: undefined }],
    ['ack without seq', { t: 'ack', c: 2 }],
    ['profile over 1,024 bytes', { ...valid.profile, ct: toBase64Url(new Uint8Array(1025)) }],
    ['presence with a bad ID', { t: 'presence', online: [ALICE, 'x'] }],
    ['presence not a list', { t: 'presence', online: ALICE }],
    ['typing without sender', { t: 'typing' }],
    ['error without message', { t: 'error', code: 'bad_frame' }],
    ['error with negative retry', { ...valid.error, retryAfterMs: -1 }],
    ['error with bad counter', { ...valid.error, c: -3 }],
  ];
  for (const [name, frame] of cases) {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    assert.equal(parseServerFrame(text), null, name);
  }
  assert.equal(parseServerFrame(undefined), null);
});

test('history pages keep valid messages and require hasMore', () => {
  const { t, ...bare } = valid.msg;
  assert.equal(t, 'msg');
  const page = parseHistoryPage({ messages: [valid.msg, bare, { ...valid.msg, seq: -1 }], hasMore: true });
  assert.equal(page.hasMore, true);
  assert.deepEqual(page.messages, [valid.msg, valid.msg]);
  assert.equal(parseHistoryPage({ messages: [] }), null);
  assert.equal(parseHistoryPage({ messages: {}, hasMore: false }), null);
});

test('session grants are validated', () => {
  assert.deepEqual(parseSessionGrant({ sessionId: ALICE, token: TOKEN, owner: true }),
    {
      sessionId: ALICE, token: TOKEN, owner: true, admitted: true,
    });
  assert.deepEqual(parseSessionGrant({
    sessionId: ALICE, token: TOKEN, owner: false, admitted: false,
  }), {
    sessionId: ALICE, token: TOKEN, owner: false, admitted: false,
  });
  assert.equal(parseSessionGrant({
    sessionId: ALICE, token: TOKEN, owner: false, admitted: 'no',
  }), null);
  assert.equal(parseSessionGrant({ sessionId: ALICE, token: 'short', owner: true }), null);
  assert.equal(parseSessionGrant({ sessionId: ALICE, token: TOKEN }), null);
});
