import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionStore } from '../../main/webapp/js/session-store.js';
import { eraseAll, onRepeatedEscape, sweepKeys, sweepStale } from '../../main/webapp/js/traces.js';
import { createKeyStore, createMemberKeys, memoryBackend } from '../../main/webapp/js/trust/member-keys.js';

class MemoryStorage {
  constructor() { this.map = new Map(); }
  get length() { return this.map.size; }
  key(i) { return [...this.map.keys()][i] ?? null; }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
  clear() { this.map.clear(); }
}

const letter = (i) => String.fromCharCode(65 + i);
const session = (i) => ({
  sessionId: `${letter(i)}${'A'.repeat(21)}`, token: `${letter(i)}${'B'.repeat(41)}A`, owner: false, counter: 1,
});
const room = (i) => `${'R'.repeat(42)}${i}`;

test('every kept session and replay guard but the current room\'s is dropped, without asking the server', () => {
  const storage = new MemoryStorage();
  const store = new SessionStore(storage, () => 0);
  for (let i = 0; i < 6; i += 1) {
    store.save(room(i), session(i));
    store.saveGuard(room(i), { [session(i).sessionId]: [1, 1] });
  }
  store.setCurrent('7F3K-9QXB');
  sweepStale(store, room(5));
  assert.deepEqual([...storage.map.keys()].sort(),
    ['sotto.guard.' + room(5), 'sotto.room', 'sotto.session.' + room(5)]);
  sweepStale(store);
  assert.deepEqual([...storage.map.keys()], ['sotto.room'], 'on the landing page no room\'s session or guard is kept');
});

test('the key sweep deletes the keys of sessions no open tab uses, and keeps the current and the held ones', async () => {
  const keyStore = createKeyStore(memoryBackend());
  const keys = await createMemberKeys();
  const ids = [0, 1, 2, 3].map((i) => session(i).sessionId);
  for (const id of ids) await keyStore.save(id, keys);
  const asked = [];
  const tabs = { isHeld: async (id) => { asked.push(id); return id === ids[1]; } };
  await sweepKeys(keyStore, tabs, ids[3]);
  assert.deepEqual((await keyStore.sessionIds()).sort(), [ids[1], ids[3]].sort());
  assert.ok(!asked.includes(ids[3]), 'the session this tab re-enters is not even asked about');
});

test('erasing clears both storages, every IndexedDB database, every service worker and every cache', async () => {
  const deleted = [];
  const g = {
    sessionStorage: new MemoryStorage(),
    localStorage: new MemoryStorage(),
    indexedDB: {
      databases: async () => [{ name: 'a' }, { name: 'b' }],
      deleteDatabase(name) {
        deleted.push(`db:${name}`);
        const request = {};
        setTimeout(() => request.onsuccess());
        return request;
      },
    },
    caches: { keys: async () => ['c'], delete: async (name) => { deleted.push(`cache:${name}`); return true; } },
    navigator: {
      serviceWorker: {
        getRegistrations: async () => ['/'].map((scope) => ({
          unregister: async () => { deleted.push(`worker:${scope}`); return true; },
        })),
      },
    },
  };
  g.sessionStorage.setItem('sotto.room', 'X');
  g.localStorage.setItem('sotto.session.r', '{}');
  await eraseAll(g);
  assert.equal(g.sessionStorage.length + g.localStorage.length, 0);
  assert.deepEqual(deleted.sort(), ['cache:c', 'db:a', 'db:b', 'db:sotto-keys', 'worker:/']);
  deleted.length = 0;
  delete g.indexedDB.databases;
  await eraseAll(g);
  assert.deepEqual(deleted.sort(), ['cache:c', 'db:sotto-keys', 'worker:/'],
    'the keys go also where databases are not listed');
  await eraseAll({});
});

test('Escape three times within 1.5 s triggers, slower or held presses do not', () => {
  let listener;
  const target = { addEventListener: (type, fn) => { assert.equal(type, 'keydown'); listener = fn; } };
  let now = 0;
  let active = true;
  let fired = 0;
  onRepeatedEscape(target, { now: () => now, when: () => active }, () => { fired += 1; });
  const press = (t, key = 'Escape', repeat = false) => { now = t; listener({ key, repeat }); };
  press(0); press(800); press(1600);
  assert.equal(fired, 0, 'the first press is 1.6 s old by the third');
  press(1700);
  assert.equal(fired, 1);
  press(5000); press(5001, 'Escape', true); press(5002, 'Enter'); press(5003);
  assert.equal(fired, 1, 'auto-repeat and other keys do not count');
  press(5004);
  assert.equal(fired, 2);
  active = false;
  press(9000); press(9001); press(9002);
  assert.equal(fired, 2, 'not outside a room');
});
