import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveRoomKey } from '../../main/webapp/js/crypto.js';
import { EpochKeys, newEpochSecret } from '../../main/webapp/js/trust/epochs.js';

const epoch0 = await deriveRoomKey(Uint8Array.from({ length: 16 }, (_, i) => i));

test('a new keyring holds epoch 0 only, which has no raw bytes', () => {
  const ring = new EpochKeys(epoch0);
  assert.equal(ring.has(0), true);
  assert.equal(ring.has(1), false);
  assert.deepEqual(ring.highest, { epoch: 0, key: epoch0 });
  assert.equal(ring.raw(0), null);
});

test('added epochs are tried newest first and sealed with the highest, also when filled in late', async () => {
  const ring = new EpochKeys(epoch0);
  const two = newEpochSecret();
  assert.equal(await ring.add(2, two), true);
  assert.equal(await ring.add(1, newEpochSecret()), true);
  assert.deepEqual(ring.newestFirst().map((e) => e.epoch), [2, 1, 0]);
  assert.equal(ring.highest.epoch, 2);
  assert.deepEqual(ring.raw(2), two);
  const key = ring.highest.key;
  assert.equal(key.extractable, false);
  assert.deepEqual({ name: key.algorithm.name, length: key.algorithm.length }, { name: 'AES-GCM', length: 256 });
});

test('an epoch already held is not replaced, and the raw bytes given out are copies', async () => {
  const ring = new EpochKeys(epoch0);
  const first = newEpochSecret();
  await ring.add(1, first);
  assert.equal(await ring.add(1, newEpochSecret()), false);
  assert.deepEqual(ring.raw(1), first);
  ring.raw(1).fill(0);
  first.fill(0);
  assert.notDeepEqual(ring.raw(1), new Uint8Array(32));
});

test('bad epochs and keys are refused', async () => {
  const ring = new EpochKeys(epoch0);
  await assert.rejects(ring.add(0, newEpochSecret()), TypeError);
  await assert.rejects(ring.add(-1, newEpochSecret()), TypeError);
  await assert.rejects(ring.add(1.5, newEpochSecret()), TypeError);
  await assert.rejects(ring.add(1, new Uint8Array(16)), TypeError);
});

test('epoch secrets are 32 fresh random bytes', () => {
  assert.equal(newEpochSecret().length, 32);
  assert.notDeepEqual(newEpochSecret(), newEpochSecret());
});
