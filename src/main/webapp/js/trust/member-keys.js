// A member's own key pairs in one room (docs/PROTOCOL.md, "Member keys"): ECDSA P-256 to sign what it sends,
// ECDH P-256 to receive the room's epoch keys. Private keys are non-extractable CryptoKeys; they are kept per
// session ID in IndexedDB (database `sotto-keys`) so a reload is the same member, and in memory where IndexedDB is
// missing. Per session, not per room: two tabs in one room are two members with two sessions.

import { toBase64Url } from '../encoding.js';

const subtle = () => globalThis.crypto.subtle;
const SIGN = { name: 'ECDSA', namedCurve: 'P-256' };
const DH = { name: 'ECDH', namedCurve: 'P-256' };
export const DB_NAME = 'sotto-keys';
const STORE = 'members';

/** The public halves as they travel in profiles: raw uncompressed points (65 bytes), base64url. */
export async function publicKeysOf({ sign, dh }) {
  const [sig, dhRaw] = await Promise.all([
    subtle().exportKey('raw', sign.publicKey), subtle().exportKey('raw', dh.publicKey),
  ]);
  return { sig: toBase64Url(new Uint8Array(sig)), dh: toBase64Url(new Uint8Array(dhRaw)) };
}

/** Two fresh key pairs; the private keys cannot be exported. */
export async function createMemberKeys() {
  const [sign, dh] = await Promise.all([
    subtle().generateKey(SIGN, false, ['sign', 'verify']),
    subtle().generateKey(DH, false, ['deriveBits', 'deriveKey']),
  ]);
  return { sign, dh, publicKeys: await publicKeysOf({ sign, dh }) };
}

// ---- storage ----

const isKey = (v, name, type) => typeof CryptoKey !== 'undefined' && v instanceof CryptoKey
  && v.algorithm.name === name && v.algorithm.namedCurve === 'P-256' && v.type === type;
const isPair = (v, name) => typeof v === 'object' && v !== null
  && isKey(v.publicKey, name, 'public') && isKey(v.privateKey, name, 'private');

/** Records live for the page's life only: for tests, and where IndexedDB is not available. */
export function memoryBackend() {
  const records = new Map();
  return {
    async get(sessionId) { return records.get(sessionId) ?? null; },
    async put(record) { records.set(record.sessionId, record); },
    async delete(sessionId) { records.delete(sessionId); },
    async ids() { return [...records.keys()]; },
  };
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function openDatabase(idb) {
  return new Promise((resolve, reject) => {
    const req = idb.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'sessionId' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
    req.onblocked = () => reject(new Error('IndexedDB blocked'));
  });
}

/**
 * Database `sotto-keys`, one record per session ID. Reading never creates the database, and the database is deleted
 * once its last record goes, so a browser that holds no session keeps no trace of it. Where IndexedDB is missing or
 * fails (private mode, storage disabled), every call from then on goes to memory: the room still works until the
 * page is closed.
 */
export function indexedDbBackend(g = globalThis) {
  const memory = memoryBackend();
  let db = null;
  let failed = false;
  const database = () => {
    if (db) return db;
    const opening = Promise.resolve().then(async () => {
      if (!g.indexedDB) throw new Error('no IndexedDB');
      const conn = await openDatabase(g.indexedDB);
      // Another tab deletes the emptied database (or "Leave no trace" runs): let it go at once; the next call
      // opens a new one, so a deletion never waits here to take later records with it.
      conn.onversionchange = () => {
        conn.close();
        if (db === opening) db = null;
      };
      return conn;
    });
    db = opening;
    return db;
  };
  /** Whether the database exists (or may: where the browser cannot list its databases). */
  const exists = async () => {
    if (db || typeof g.indexedDB?.databases !== 'function') return true;
    return (await g.indexedDB.databases()).some((d) => d.name === DB_NAME);
  };
  const run = async (mode, use, fallback) => {
    if (!failed) {
      try {
        if (mode === 'readonly' && !await exists()) return fallback();
        const store = (await database()).transaction(STORE, mode).objectStore(STORE);
        return await use(store);
      } catch {
        failed = true;
      }
    }
    return fallback();
  };
  const dropIfEmpty = async () => {
    if (failed || !db) return;
    try {
      const open = await db;
      const left = await request(open.transaction(STORE, 'readonly').objectStore(STORE).count());
      if (left > 0) return;
      open.close();
      db = null;
      await new Promise((resolve) => {
        const req = g.indexedDB.deleteDatabase(DB_NAME);
        req.onsuccess = resolve;
        req.onerror = resolve;
        req.onblocked = resolve;
      });
    } catch {
      // Kept for the next removal or "Leave no trace".
    }
  };
  return {
    get: (id) => run('readonly', (s) => request(s.get(id)).then((r) => r ?? null), () => memory.get(id)),
    put: (record) => run('readwrite', (s) => request(s.put(record)), () => memory.put(record)),
    delete: async (id) => {
      if (!failed && !await exists().catch(() => true)) return memory.delete(id);
      await run('readwrite', (s) => request(s.delete(id)), () => memory.delete(id));
      await dropIfEmpty();
    },
    ids: () => run('readonly', (s) => request(s.getAllKeys()), () => memory.ids()),
  };
}

/** The member keys of each session this browser holds (one per room and tab). */
export function createKeyStore(backend = indexedDbBackend()) {
  return {
    /** The keys kept for the session, or null (none, or a record that is not whole). */
    async load(sessionId) {
      try {
        const record = await backend.get(sessionId);
        if (!record || !isPair(record.sign, 'ECDSA') || !isPair(record.dh, 'ECDH')) return null;
        const keys = { sign: record.sign, dh: record.dh };
        return { ...keys, publicKeys: await publicKeysOf(keys) };
      } catch {
        return null;
      }
    },
    /** Keeps the pairs only: the public keys are computed again on load, so they cannot disagree. */
    async save(sessionId, keys) {
      await backend.put({ sessionId, sign: keys.sign, dh: keys.dh });
    },
    async remove(sessionId) {
      await backend.delete(sessionId);
    },
    /** The sessions whose keys are kept. */
    async sessionIds() {
      return backend.ids();
    },
  };
}
