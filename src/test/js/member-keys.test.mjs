import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromBase64Url } from '../../main/webapp/js/encoding.js';
import {
  createKeyStore, createMemberKeys, indexedDbBackend, memoryBackend,
} from '../../main/webapp/js/trust/member-keys.js';

const room = (i) => `${'R'.repeat(42)}${i}`;
const SESSION = 'AAECAwQFBgcICQoLDA0ODw';

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

test('the key store gives back the saved session and keys, public keys recomputed', async () => {
  const store = createKeyStore(memoryBackend());
  const keys = await createMemberKeys();
  assert.equal(await store.load(room(1)), null);
  await store.save(room(1), SESSION, keys);
  const loaded = await store.load(room(1));
  assert.equal(loaded.sessionId, SESSION);
  assert.equal(loaded.keys.sign.privateKey, keys.sign.privateKey);
  assert.equal(loaded.keys.dh.privateKey, keys.dh.privateKey);
  assert.deepEqual(loaded.keys.publicKeys, keys.publicKeys);
});

test('removing a room\'s keys forgets them; keepOnly deletes every room not listed', async () => {
  const store = createKeyStore(memoryBackend());
  const keys = await createMemberKeys();
  for (let i = 0; i < 4; i += 1) await store.save(room(i), SESSION, keys);
  await store.remove(room(0));
  assert.equal(await store.load(room(0)), null);
  await store.keepOnly([room(2), room(9)]);
  assert.equal(await store.load(room(1)), null);
  assert.equal(await store.load(room(3)), null);
  assert.equal((await store.load(room(2))).sessionId, SESSION);
  await store.keepOnly([]);
  assert.equal(await store.load(room(2)), null);
});

test('a record that is not whole loads as nothing', async () => {
  const backend = memoryBackend();
  const store = createKeyStore(backend);
  const keys = await createMemberKeys();
  await backend.put({ roomId: room(1), sessionId: SESSION, sign: keys.sign });
  await backend.put({ roomId: room(2), sessionId: SESSION, sign: keys.dh, dh: keys.dh });
  assert.equal(await store.load(room(1)), null);
  assert.equal(await store.load(room(2)), null);
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
    await store.save(room(1), SESSION, keys);
    await store.save(room(2), SESSION, keys);
    assert.deepEqual((await store.load(room(1))).keys.publicKeys, keys.publicKeys);
    await store.keepOnly([room(2)]);
    assert.equal(await store.load(room(1)), null);
    await store.remove(room(2));
    assert.equal(await store.load(room(2)), null);
  }
});
