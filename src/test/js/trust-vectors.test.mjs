import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createCipheriv, createECDH, createHash, createPublicKey, hkdfSync, verify as nodeVerify,
} from 'node:crypto';
import { fromBase64Url, utf8Decode } from '../../main/webapp/js/encoding.js';
import { envelopeAad } from '../../main/webapp/js/protocol.js';
import { fingerprint, keyTag, memberCode, safetyCode } from '../../main/webapp/js/trust/safety-code.js';
import { signatureInput, verify } from '../../main/webapp/js/trust/signing.js';
import { unwrapEpochKey, wrapEpochKey } from '../../main/webapp/js/trust/epochs.js';
import { fixedMemberKeys, JWK } from './member-fixtures.mjs';

// Known-answer vectors for the trust layer: they pin the labels ("sotto/v2/sig", "sotto/v2/safety",
// "sotto/v2/wrap"), the byte layouts and the encodings. Changing any of them splits every room in two.
// How they were made: the members' keys in member-fixtures.mjs were generated once with WebCrypto; the code, the
// tags, the signature and the wrap were computed once with this code and written down here, and every test also
// recomputes them with node:crypto, independently of WebCrypto, from the protocol's description.
const ROOM_ID = 'JyvAYOWzpKRaN4Nfct06nW7WNBfLYbl8i4bs6nGkKYU'; // the room of code 00 01 … 0f (crypto.test.mjs)
const ALICE = 'AAECAwQFBgcICQoLDA0ODw';
const BOB = 'EBESExQVFhcYGRobHB0eHw';
const ALICE_KEYS = {
  sig: 'BIXkW7ZqcRJ12ctcB07yq9sHGSYEjVq0Cdg-_vM-ivtfg2zl5EsUWr6NZj9M-iSWrxGBWlfKD9aV62nx9cLqs8k',
  dh: 'BBmZF3QL6WuZLN45pveBBsQxEEUumuPXjY4UfkENhzh3GPI2M_uIiNzWo7MK2Z7jLPgE1l97wwqz_MmWGQp0AYo',
};
const BOB_KEYS = {
  sig: 'BGBZbpnupywjx35iAM17f-tZe74uBgYSaV9V8WgMxR310edlevVmzv0qHdprZ8qDdb06rSmiQleEqZ8GRXzjOKc',
  dh: 'BJklZpcPbOlsAO_XhkjtHpC74LoRFa7AyUniB-Wt_RZF6JaYb_A_Jv8wFcC_vtOKaF-W00eheS07xLGwD05c7qo',
};
const SAFETY_CODE = '1399 3545 1364';
const ALICE_MEMBER_CODE = '4810 3778 5695';
const ALICE_TAG = 'YTBDAQD8';
const BOB_TAG = 'MSNZT5GN';
const BINDING = {
  kind: 'chat', roomId: ROOM_ID, epoch: 0, from: ALICE, counter: 1,
};
const BODY = '{"text":"hello","sentAt":1700000000000}';
const SIG_INPUT = `["sotto/v2/sig","chat","${ROOM_ID}",0,"${ALICE}",1,null,${JSON.stringify(BODY)}]`;
// Alice's signature of BODY under BINDING (ECDSA is randomised: this is one valid signature, made once).
const SIGNATURE = 'mbRy4dnpab1Q6q3w50eYPTod4PuUNibf7wrEyo_JGtTRAeT92r9Kxk4I-yrBqcbSm4CJR6kPNpYqcyq27Wuw-Q';
const EPOCH_KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const IV = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const WRAP = {
  to: BOB, iv: 'oKGio6Slpqeoqaqr', ct: 'Zqar4Znq74Nb9ujMP_8JjA_DdWED0w_crSQgMOZDSJd1uQyTFVRhjcsZESNKkayF',
};

const alice = await fixedMemberKeys('alice');
const bob = await fixedMemberKeys('bob');
const raw = (b64) => Buffer.from(fromBase64Url(b64));
const sha256 = (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();

test('the fixed members\' public keys are the raw points of their JWKs', () => {
  assert.deepEqual(alice.publicKeys, ALICE_KEYS);
  assert.deepEqual(bob.publicKeys, BOB_KEYS);
  const point = ({ x, y }) => Buffer.concat([Buffer.from([4]), raw(x), raw(y)]).toString('base64url');
  assert.equal(point(JWK.alice.sign), ALICE_KEYS.sig);
  assert.equal(point(JWK.bob.dh), BOB_KEYS.dh);
});

test('known answer: the safety code of Alice and Bob in the known room, recomputed with node:crypto', async () => {
  assert.equal(await safetyCode(ROOM_ID, ALICE_KEYS, BOB_KEYS), SAFETY_CODE);
  const fp = (k) => sha256(raw(k.sig), raw(k.dh));
  assert.deepEqual(Buffer.from(await fingerprint(ALICE_KEYS)), fp(ALICE_KEYS));
  const [low, high] = [fp(ALICE_KEYS), fp(BOB_KEYS)].sort(Buffer.compare);
  const digest = sha256(Buffer.from('sotto/v2/safety', 'utf8'), raw(ROOM_ID), low, high);
  const digits = (digest.readBigUInt64BE(0) % 10n ** 12n).toString().padStart(12, '0');
  assert.equal(SAFETY_CODE, `${digits.slice(0, 4)} ${digits.slice(4, 8)} ${digits.slice(8)}`);
});

test('known answer: a knocking member\'s code, recomputed with node:crypto', async () => {
  assert.equal(await memberCode(ROOM_ID, ALICE_KEYS), ALICE_MEMBER_CODE);
  const digest = sha256(Buffer.from('sotto/v2/member', 'utf8'), raw(ROOM_ID), sha256(raw(ALICE_KEYS.sig),
    raw(ALICE_KEYS.dh)));
  const digits = (digest.readBigUInt64BE(0) % 10n ** 12n).toString().padStart(12, '0');
  assert.equal(ALICE_MEMBER_CODE, `${digits.slice(0, 4)} ${digits.slice(4, 8)} ${digits.slice(8)}`);
  assert.notEqual(await memberCode(ROOM_ID, BOB_KEYS), ALICE_MEMBER_CODE);
});

test('known answer: key tags are Crockford base32 of the fingerprint\'s first 5 bytes', async () => {
  assert.equal(await keyTag(ALICE_KEYS), ALICE_TAG);
  assert.equal(await keyTag(BOB_KEYS), BOB_TAG);
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bits = BigInt(`0x${sha256(raw(BOB_KEYS.sig), raw(BOB_KEYS.dh)).subarray(0, 5).toString('hex')}`);
  const tag = [...Array(8)].map((_, i) => alphabet[Number((bits >> BigInt(35 - 5 * i)) & 31n)]).join('');
  assert.equal(tag, BOB_TAG);
});

test('known answer: the signature input is the labelled JSON array, body as text', () => {
  assert.equal(utf8Decode(signatureInput(BINDING, BODY)), SIG_INPUT);
  assert.equal(utf8Decode(signatureInput({ ...BINDING, kind: 'signal', to: BOB }, '{}')),
    `["sotto/v2/sig","signal","${ROOM_ID}",0,"${ALICE}",1,"${BOB}","{}"]`);
});

test('known answer: a fixed P1363 signature verifies, for WebCrypto and node:crypto alike', async () => {
  assert.equal(await verify(ALICE_KEYS.sig, BINDING, BODY, SIGNATURE), true);
  const jwk = {
    kty: 'EC', crv: 'P-256', x: JWK.alice.sign.x, y: JWK.alice.sign.y,
  };
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
  assert.equal(nodeVerify('sha256', Buffer.from(SIG_INPUT, 'utf8'), { key: publicKey, dsaEncoding: 'ieee-p1363' },
    raw(SIGNATURE)), true);
});

test('a signature with one flipped bit, or under another key or binding, is refused', async () => {
  for (let i = 0; i < 64; i += 9) {
    const bytes = raw(SIGNATURE);
    bytes[i] ^= 1;
    assert.equal(await verify(ALICE_KEYS.sig, BINDING, BODY, bytes.toString('base64url')), false, `byte ${i}`);
  }
  assert.equal(await verify(BOB_KEYS.sig, BINDING, BODY, SIGNATURE), false, 'another key');
  assert.equal(await verify(ALICE_KEYS.sig, { ...BINDING, from: BOB }, BODY, SIGNATURE), false, 'another sender');
  assert.equal(await verify(ALICE_KEYS.sig, { ...BINDING, epoch: 1 }, BODY, SIGNATURE), false, 'another epoch');
  assert.equal(await verify(ALICE_KEYS.sig, BINDING, `${BODY} `, SIGNATURE), false, 'another body text');
});

test('verify answers false, never throws, for malformed keys and signatures', async () => {
  const cases = [
    [ALICE_KEYS.sig, 'AAAA'],
    [ALICE_KEYS.sig, `${SIGNATURE}==`],
    [ALICE_KEYS.sig, null],
    ['not a key', SIGNATURE],
    [ALICE_KEYS.sig.slice(0, -4), SIGNATURE],
    [Buffer.alloc(65, 4).toString('base64url'), SIGNATURE], // not a point of the curve
    [undefined, SIGNATURE],
  ];
  for (const [key, sig] of cases) assert.equal(await verify(key, BINDING, BODY, sig), false, `${key} ${sig}`);
  assert.equal(await verify(ALICE_KEYS.sig, BINDING, undefined, SIGNATURE), false, 'no body');
});

test('known answer: the owner\'s wrap of an epoch key for Bob, recomputed with node:crypto', async () => {
  const wrap = await wrapEpochKey({
    ownDhPrivate: alice.dh.privateKey, peerDhPublic: BOB_KEYS.dh, roomId: ROOM_ID, epoch: 1,
    ownerId: ALICE, memberId: BOB, raw: EPOCH_KEY, iv: IV,
  });
  assert.deepEqual(wrap, WRAP);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(raw(JWK.alice.dh.d));
  const shared = ecdh.computeSecret(raw(BOB_KEYS.dh));
  const key = Buffer.from(hkdfSync('sha256', shared, raw(ROOM_ID), 'sotto/v2/wrap', 32));
  const cipher = createCipheriv('aes-256-gcm', key, IV);
  cipher.setAAD(Buffer.from(JSON.stringify(['sotto/v2/wrap', ROOM_ID, 1, ALICE, BOB]), 'utf8'));
  const ct = Buffer.concat([cipher.update(EPOCH_KEY), cipher.final(), cipher.getAuthTag()]);
  assert.equal(ct.toString('base64url'), WRAP.ct);
});

test('the member unwraps the pinned wrap; another epoch, room, owner or member is refused', async () => {
  const params = {
    ownDhPrivate: bob.dh.privateKey, peerDhPublic: ALICE_KEYS.dh, roomId: ROOM_ID, epoch: 1,
    ownerId: ALICE, memberId: BOB, iv: WRAP.iv, ct: WRAP.ct,
  };
  assert.deepEqual(await unwrapEpochKey(params), EPOCH_KEY);
  const otherRoom = Buffer.alloc(32, 7).toString('base64url');
  assert.equal(await unwrapEpochKey({ ...params, epoch: 2 }), null, 'another epoch');
  assert.equal(await unwrapEpochKey({ ...params, roomId: otherRoom }), null, 'another room');
  assert.equal(await unwrapEpochKey({ ...params, memberId: ALICE }), null, 'another member');
  assert.equal(await unwrapEpochKey({ ...params, ownerId: BOB }), null, 'another owner');
  assert.equal(await unwrapEpochKey({ ...params, peerDhPublic: BOB_KEYS.dh }), null, 'not from the owner');
  assert.equal(await unwrapEpochKey({ ...params, ownDhPrivate: alice.dh.privateKey }), null, 'someone else');
  assert.equal(await unwrapEpochKey({ ...params, ct: 'AAAA' }), null, 'malformed');
});

test('known answer: the v2 AAD bytes of every envelope kind', () => {
  assert.equal(utf8Decode(envelopeAad('chat', ROOM_ID, 0, ALICE, 1)),
    `["sotto/v2","chat","${ROOM_ID}",0,"${ALICE}",1]`);
  assert.equal(utf8Decode(envelopeAad('profile', ROOM_ID, 2, ALICE, 9)),
    `["sotto/v2","profile","${ROOM_ID}",2,"${ALICE}",9]`);
  assert.equal(utf8Decode(envelopeAad('knock', ROOM_ID, 0, BOB, 1)),
    `["sotto/v2","knock","${ROOM_ID}",0,"${BOB}",1]`);
  assert.equal(utf8Decode(envelopeAad('signal', ROOM_ID, 3, ALICE, 7, BOB)),
    `["sotto/v2","signal","${ROOM_ID}",3,"${ALICE}",7,"${BOB}"]`);
});
