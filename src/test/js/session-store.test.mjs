import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_AGE_MS, SessionStore } from '../../main/webapp/js/session-store.js';

class MemoryStorage {
  constructor() { this.map = new Map(); }
  get length() { return this.map.size; }
  key(i) { return [...this.map.keys()][i] ?? null; }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
  clear() { this.map.clear(); }
}

const ROOM = 'JyvAYOWzpKRaN4Nfct06nW7WNBfLYbl8i4bs6nGkKYU';
const SESSION = {
  sessionId: 'AAECAwQFBgcICQoLDA0ODw', token: 'B'.repeat(42) + 'A', owner: true, admitted: true, counter: 0,
};
const BOB = 'EBESExQVFhcYGRobHB0eHw';

test('sessions are kept per room ID, without the nickname or anything else', () => {
  const storage = new MemoryStorage();
  const store = new SessionStore(storage, () => 1000);
  store.save(ROOM, { ...SESSION, nick: 'Quiet Otter', code: 'must not be stored' });
  assert.deepEqual(store.load(ROOM), SESSION);
  assert.deepEqual([...storage.map.keys()], [`sotto.session.${ROOM}`]);
  assert.deepEqual(Object.keys(JSON.parse(storage.map.get(`sotto.session.${ROOM}`))),
    ['sessionId', 'token', 'owner', 'admitted', 'counter', 'savedAt']);
  assert.equal(store.load('other'), null);
  store.saveGuard(ROOM, { [BOB]: [4, 9] });
  store.remove(ROOM);
  assert.equal(store.load(ROOM), null);
  assert.deepEqual([...storage.map.keys()], [], 'the session and the replay guard are gone');
});

test('the default store is the tab\'s sessionStorage', () => {
  const storage = new MemoryStorage();
  globalThis.sessionStorage = storage;
  try {
    new SessionStore().setCurrent('7F3K');
    assert.equal(storage.getItem('sotto.room'), '7F3K');
  } finally {
    delete globalThis.sessionStorage;
  }
});

test('the current room is remembered for the tab and forgotten on request', () => {
  const store = new SessionStore(new MemoryStorage());
  assert.equal(store.currentCode(), null);
  store.setCurrent('7F3K-9QXB');
  assert.equal(store.currentCode(), '7F3K-9QXB');
  store.clearCurrent();
  assert.equal(store.currentCode(), null);
});

test('a session unused for 24 hours is dropped', () => {
  let now = 0;
  const storage = new MemoryStorage();
  const store = new SessionStore(storage, () => now);
  store.save(ROOM, SESSION);
  now = MAX_AGE_MS - 1;
  assert.ok(store.load(ROOM));
  now = MAX_AGE_MS;
  assert.equal(store.load(ROOM), null);
  assert.equal(storage.map.size, 0);
});

test('the replay guard is kept per room, and malformed entries of it are ignored', () => {
  const storage = new MemoryStorage();
  const store = new SessionStore(storage);
  assert.deepEqual(store.loadGuard(ROOM), {});
  store.saveGuard(ROOM, { [BOB]: [4, 9] });
  assert.deepEqual(store.loadGuard(ROOM), { [BOB]: [4, 9] });
  storage.setItem(`sotto.guard.${ROOM}`, JSON.stringify({ [BOB]: [0, 9], bad: [1, 1], [SESSION.sessionId]: [2, 3] }));
  assert.deepEqual(store.loadGuard(ROOM), { [SESSION.sessionId]: [2, 3] });
});

test('sessions kept in localStorage by older versions move to the tab without their nickname', () => {
  const legacy = new MemoryStorage();
  legacy.setItem(`sotto.session.${ROOM}`, JSON.stringify({ ...SESSION, counter: 7, nick: 'Quiet Otter' }));
  legacy.setItem('sotto.session.broken', '{');
  legacy.setItem('sotto.call.hide-ip', '1');
  const storage = new MemoryStorage();
  const store = new SessionStore(storage, () => 5);
  store.adoptLegacy(legacy);
  assert.deepEqual([...legacy.map.keys()], ['sotto.call.hide-ip'], 'the relay-only call setting is no room\'s');
  assert.deepEqual(store.load(ROOM), { ...SESSION, counter: 7 });
  assert.ok(![...storage.map.values()].some((v) => v.includes('Otter')));
});

test('a knocking session is kept as not admitted, and an entry without the flag counts as admitted', () => {
  const storage = new MemoryStorage();
  const store = new SessionStore(storage, () => 1000);
  store.save(ROOM, { ...SESSION, owner: false, admitted: false });
  assert.equal(store.load(ROOM).admitted, false);
  const { admitted, ...older } = SESSION;
  storage.setItem(`sotto.session.${ROOM}`, JSON.stringify({ ...older, savedAt: 1000 }));
  assert.equal(store.load(ROOM).admitted, true);
});

test('corrupt entries are ignored', () => {
  const storage = new MemoryStorage();
  const store = new SessionStore(storage);
  storage.setItem(`sotto.session.${ROOM}`, '{not json');
  assert.equal(store.load(ROOM), null);
  storage.setItem(`sotto.session.${ROOM}`, JSON.stringify({ ...SESSION, token: 'short' }));
  assert.equal(store.load(ROOM), null);
});

test('counters are reserved and persisted before use, never below what the server has seen', () => {
  const store = new SessionStore(new MemoryStorage());
  const session = { ...SESSION };
  store.save(ROOM, session);
  assert.equal(store.nextCounter(ROOM, session), 1);
  assert.equal(store.nextCounter(ROOM, session), 2);
  assert.equal(store.load(ROOM).counter, 2);
  assert.equal(store.nextCounter(ROOM, session, 10), 11);
  const otherTab = store.load(ROOM);
  assert.equal(store.nextCounter(ROOM, otherTab), 12);
  assert.equal(store.nextCounter(ROOM, session), 13, 'a counter taken by another tab is not reused');
});
