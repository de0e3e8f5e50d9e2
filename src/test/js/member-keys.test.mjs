import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromBase64Url } from '../../main/webapp/js/encoding.js';
import {
  createKeyStore, createMemberKeys, indexedDbBackend, memoryBackend,
} from '../../main/webapp/js/trust/member-keys.js';

const session = (i) => `${'S'.repeat(21)}${i}`;

test('a member gets an ECDSA and an ECDH P-256 pair whose private keys cannot be exported', async () => {
  const keys = await createMemberKeys();
  assert.equal(keys.sign.privateKey.extractable, false);
  assert.equal(keys.dh.privateKey.extractable, false);
  assert.deepEqual({ ...keys.sign.privateKey.algorithm }, { name: 'ECDSA', namedCurve: 'P-256' });
  assert.deepEqual({ ...keys.dh.privateKey.algorithm }, { name: 'ECDH', namedCurve: 'P-256' });
  assert.deepEqual([...keys.dh.privateKey.usages].sort(), ['deriveBits', 'deriveKey']);
  for (const b64 of [keys.publicKeys.sig, keys.publicKeys.dh]) {
    const raw = fromBase64Url(b64);
    assert.equal(raw.length, 65);
    assert.equal(raw[0], 4, 'an uncompressed point');
  }
  assert.notEqual((await createMemberKeys()).publicKeys.sig, keys.publicKeys.sig);
});

test('the key store gives back a session\'s keys, public keys recomputed', async () => {
  const store = createKeyStore(memoryBackend());
  const keys = await createMemberKeys();
  assert.equal(await store.load(session(1)), null);
  await store.save(session(1), keys);
  const loaded = await store.load(session(1));
  assert.equal(loaded.sign.privateKey, keys.sign.privateKey);
  assert.equal(loaded.dh.privateKey, keys.dh.privateKey);
  assert.deepEqual(loaded.publicKeys, keys.publicKeys);
});

test('two sessions (two tabs in one room) keep their own keys; removing one forgets only it', async () => {
  const store = createKeyStore(memoryBackend());
  const first = await createMemberKeys();
  const second = await createMemberKeys();
  await store.save(session(1), first);
  await store.save(session(2), second);
  assert.deepEqual((await store.load(session(1))).publicKeys, first.publicKeys);
  assert.deepEqual((await store.load(session(2))).publicKeys, second.publicKeys);
  await store.remove(session(1));
  assert.equal(await store.load(session(1)), null);
  assert.deepEqual(await store.sessionIds(), [session(2)]);
});

test('a record that is not whole loads as nothing', async () => {
  const backend = memoryBackend();
  const store = createKeyStore(backend);
  const keys = await createMemberKeys();
  await backend.put({ sessionId: session(1), sign: keys.sign });
  await backend.put({ sessionId: session(2), sign: keys.dh, dh: keys.dh });
  assert.equal(await store.load(session(1)), null);
  assert.equal(await store.load(session(2)), null);
});

test('without IndexedDB (private mode) the store keeps keys in memory for the page\'s life', async () => {
  const failing = {
    indexedDB: {
      open() {
        const request = { error: new Error('InvalidStateError') };
        queueMicrotask(() => request.onerror());
        return request;
      },
    },
  };
  for (const g of [{}, failing]) {
    const store = createKeyStore(indexedDbBackend(g));
    const keys = await createMemberKeys();
    await store.save(session(1), keys);
    await store.save(session(2), keys);
    assert.deepEqual((await store.load(session(1))).publicKeys, keys.publicKeys);
    await store.remove(session(1));
    assert.equal(await store.load(session(1)), null);
    assert.deepEqual(await store.sessionIds(), [session(2)]);
  }
});
