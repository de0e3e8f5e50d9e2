import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveRoomId, deriveRoomKey } from '../../main/webapp/js/crypto.js';
import { toBase64Url } from '../../main/webapp/js/encoding.js';
import {
  authFrame, encodeFrame, EnvelopeTooLargeError, openChat, openProfile, parseHistoryPage, parseServerFrame,
  parseSessionGrant, sealChat, sealProfile,
} from '../../main/webapp/js/protocol.js';

const CODE = Uint8Array.from({ length: 16 }, (_, i) => i);
const IV = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const ALICE = 'AAECAwQFBgcICQoLDA0ODw';
const BOB = 'EBESExQVFhcYGRobHB0eHw';
const TOKEN = toBase64Url(new Uint8Array(32).fill(7));
const CHAT = { text: 'hello', nick: 'Quiet Otter', sentAt: 1700000000000 };

const roomId = await deriveRoomId(CODE);
const otherRoomId = await deriveRoomId(new Uint8Array(16));
const key = await deriveRoomKey(CODE);

async function chatFrom(from = ALICE, c = 1, payload = CHAT) {
  const frame = await sealChat(key, { roomId, sessionId: from, counter: c }, payload);
  return { ...frame, from };
}

test('a sealed chat frame has the wire shape and the pinned ciphertext', async () => {
  const frame = await sealChat(key, { roomId, sessionId: ALICE, counter: 1 }, CHAT, IV);
  assert.deepEqual(frame, {
    t: 'msg',
    c: 1,
    iv: 'oKGio6Slpqeoqaqr',
    ct: 'UAA8-VtMJC_LTgmG1CrANV63PSzIH8dufdwhJfc_Avb_Kt0o3Pqu2HyH2GbI6H_2HBLtS7noU2CbU2GeYDwKBhtFx4NJOhNmPM9onw',
  });
});

test('a sealed profile frame has the pinned ciphertext', async () => {
  const frame = await sealProfile(key, { roomId, sessionId: ALICE, counter: 2 }, { nick: 'Quiet Otter' }, IV);
  assert.deepEqual(frame, {
    t: 'profile', c: 2, iv: 'oKGio6Slpqeoqaqr', ct: 'UAAm9UBTJC_LdxmD3THCVgitMT2BQAWqSJKK1uKg4VDweHZKd1w',
  });
});

test('chat seal/open round trip', async () => {
  assert.deepEqual(await openChat(key, roomId, await chatFrom()), CHAT);
});

test('opening fails when any AAD field, the IV or the ciphertext changes', async () => {
  const env = await chatFrom(ALICE, 5);
  assert.equal(await openChat(key, otherRoomId, env), null, 'other room');
  assert.equal(await openChat(key, roomId, { ...env, from: BOB }), null, 'other sender');
  assert.equal(await openChat(key, roomId, { ...env, c: 6 }), null, 'other counter');
  assert.equal(await openProfile(key, roomId, env), null, 'other kind');
  const profile = await sealProfile(key, { roomId, sessionId: ALICE, counter: 7 }, { nick: 'Otter' });
  assert.equal(await openChat(key, roomId, { ...profile, from: ALICE }), null, 'profile opened as chat');
  assert.deepEqual(await openProfile(key, roomId, { ...profile, from: ALICE }), { nick: 'Otter' });
  const iv = Buffer.from(env.iv, 'base64url');
  iv[11] ^= 1;
  assert.equal(await openChat(key, roomId, { ...env, iv: iv.toString('base64url') }), null, 'other IV');
  const ct = Buffer.from(env.ct, 'base64url');
  ct[0] ^= 1;
  assert.equal(await openChat(key, roomId, { ...env, ct: ct.toString('base64url') }), null, 'flipped ciphertext');
  assert.equal(await openChat(key, roomId, { ...env, ct: 'AAAA' }), null, 'truncated ciphertext');
  assert.deepEqual(await openChat(key, roomId, env), CHAT, 'the untouched envelope still opens');
});

test('plaintexts of the wrong shape are dropped after opening', async () => {
  const bad = await sealChat(key, { roomId, sessionId: ALICE, counter: 3 }, { text: 'x', nick: 'n', sentAt: 'yesterday' });
  assert.equal(await openChat(key, roomId, { ...bad, from: ALICE }), null);
});

test('sealing refuses over-long text and nicknames', async () => {
  const sender = { roomId, sessionId: ALICE, counter: 1 };
  await assert.rejects(sealChat(key, sender, { ...CHAT, text: 'x'.repeat(4001) }), EnvelopeTooLargeError);
  await assert.doesNotReject(sealChat(key, sender, { ...CHAT, text: 'x'.repeat(4000) }));
  await assert.rejects(sealChat(key, sender, { ...CHAT, nick: 'n'.repeat(41) }));
  await assert.rejects(sealChat(key, { ...sender, counter: 0 }, CHAT));
  // 4000 control characters become 24,000 bytes of JSON: over the 16,384-byte ciphertext limit.
  await assert.rejects(sealChat(key, sender, { ...CHAT, text: '\u0001'.repeat(4000) }), EnvelopeTooLargeError);
});

test('client frames serialise as the protocol says', () => {
  assert.equal(encodeFrame(authFrame(TOKEN, 12)), `{"t":"auth","token":"${TOKEN}","since":12}`);
});

const IV16 = 'oKGio6Slpqeoqaqr';
const CT = toBase64Url(new Uint8Array(40));
const valid = {
  welcome: {
    t: 'welcome', sessionId: ALICE, ownerId: BOB, owner: false, latestSeq: 4, maxCounter: 9,
    profiles: [{ from: BOB, c: 1, iv: IV16, ct: CT }],
  },
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
    { sessionId: ALICE, token: TOKEN, owner: true });
  assert.equal(parseSessionGrant({ sessionId: ALICE, token: 'short', owner: true }), null);
  assert.equal(parseSessionGrant({ sessionId: ALICE, token: TOKEN }), null);
});
