import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemberKeys } from '../../main/webapp/js/trust/member-keys.js';
import { keyTag, safetyCode } from '../../main/webapp/js/trust/safety-code.js';

const ROOM_ID = 'JyvAYOWzpKRaN4Nfct06nW7WNBfLYbl8i4bs6nGkKYU';
const OTHER_ROOM = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const a = (await createMemberKeys()).publicKeys;
const b = (await createMemberKeys()).publicKeys;
const mallory = (await createMemberKeys()).publicKeys;

test('both members compute the same safety code, twelve digits in three groups', async () => {
  const code = await safetyCode(ROOM_ID, a, b);
  assert.match(code, /^\d{4} \d{4} \d{4}$/);
  assert.equal(await safetyCode(ROOM_ID, b, a), code);
});

test('a substituted signing or key-agreement key, or another room, gives another safety code', async () => {
  const code = await safetyCode(ROOM_ID, a, b);
  assert.notEqual(await safetyCode(ROOM_ID, a, { ...b, sig: mallory.sig }), code);
  assert.notEqual(await safetyCode(ROOM_ID, a, { ...b, dh: mallory.dh }), code);
  assert.notEqual(await safetyCode(ROOM_ID, mallory, b), code);
  assert.notEqual(await safetyCode(OTHER_ROOM, a, b), code);
});

test('key tags are 8 Crockford base32 characters and tell members apart', async () => {
  assert.match(await keyTag(a), /^[0-9A-HJKMNP-TV-Z]{8}$/);
  assert.notEqual(await keyTag(a), await keyTag(b));
});

test('malformed public keys are refused', async () => {
  await assert.rejects(safetyCode(ROOM_ID, a, { ...b, sig: 'AAAA' }), TypeError);
  await assert.rejects(keyTag({ sig: a.sig }), TypeError);
});
