import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionStore } from '../../main/webapp/js/session-store.js';

class MemoryStorage {
  constructor() { this.map = new Map(); }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
}

const ROOM = 'JyvAYOWzpKRaN4Nfct06nW7WNBfLYbl8i4bs6nGkKYU';
const SESSION = {
  sessionId: 'AAECAwQFBgcICQoLDA0ODw', token: 'B'.repeat(42) + 'A', owner: true, counter: 0, nick: 'Quiet Otter',
};

test('sessions are kept per room ID, and nothing else is stored', () => {
  const storage = new MemoryStorage();
  const store = new SessionStore(storage);
  store.save(ROOM, { ...SESSION, code: 'must not be stored' });
  assert.deepEqual(store.load(ROOM), SESSION);
  assert.deepEqual([...storage.map.keys()], [`sotto.session.${ROOM}`]);
  assert.ok(!storage.map.get(`sotto.session.${ROOM}`).includes('must not'));
  assert.equal(store.load('other'), null);
  store.remove(ROOM);
  assert.equal(store.load(ROOM), null);
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
