// A member's own key pairs in one room (docs/PROTOCOL.md, "Member keys"): ECDSA P-256 to sign what it sends,
// ECDH P-256 to receive the room's epoch keys. Private keys are non-extractable CryptoKeys; they are kept per room
// ID in IndexedDB (database `sotto-keys`) so a reload is the same member, and in memory where IndexedDB is missing.

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
    async get(roomId) { return records.get(roomId) ?? null; },
    async put(record) { records.set(record.roomId, record); },
    async delete(roomId) { records.delete(roomId); },
    async roomIds() { return [...records.keys()]; },
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
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'roomId' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
    req.onblocked = () => reject(new Error('IndexedDB blocked'));
  });
}

/**
 * Database `sotto-keys`, one record per room ID. Where IndexedDB is missing or fails (private mode, storage
 * disabled), every call from then on goes to memory: the room still works until the page is closed.
 */
export function indexedDbBackend(g = globalThis) {
  const memory = memoryBackend();
  let db = null;
  const database = () => {
    db ??= Promise.resolve().then(() => {
      if (!g.indexedDB) throw new Error('no IndexedDB');
      return openDatabase(g.indexedDB);
    });
    return db;
  };
  let failed = false;
  const run = async (mode, use, fallback) => {
    if (!failed) {
      try {
        const store = (await database()).transaction(STORE, mode).objectStore(STORE);
        return await use(store);
      } catch {
        failed = true;
      }
    }
    return fallback();
  };
  return {
    get: (roomId) => run('readonly', (s) => request(s.get(roomId)).then((r) => r ?? null), () => memory.get(roomId)),
    put: (record) => run('readwrite', (s) => request(s.put(record)), () => memory.put(record)),
    delete: (roomId) => run('readwrite', (s) => request(s.delete(roomId)), () => memory.delete(roomId)),
    roomIds: () => run('readonly', (s) => request(s.getAllKeys()), () => memory.roomIds()),
  };
}

/** The member keys of each room this browser is in, with the session they belong to. */
export function createKeyStore(backend = indexedDbBackend()) {
  return {
    /** { sessionId, keys } kept for the room, or null (none, or a record that is not whole). */
    async load(roomId) {
      try {
        const record = await backend.get(roomId);
        if (!record || typeof record.sessionId !== 'string' || !isPair(record.sign, 'ECDSA')
          || !isPair(record.dh, 'ECDH')) return null;
        const keys = { sign: record.sign, dh: record.dh };
        return { sessionId: record.sessionId, keys: { ...keys, publicKeys: await publicKeysOf(keys) } };
      } catch {
        return null;
      }
    },
    /** Keeps the pairs only: the public keys are computed again on load, so they cannot disagree. */
    async save(roomId, sessionId, keys) {
      await backend.put({ roomId, sessionId, sign: keys.sign, dh: keys.dh });
    },
    async remove(roomId) {
      await backend.delete(roomId);
    },
    /** Deletes the keys of every room not listed (the start-up sweep of rooms no longer held). */
    async keepOnly(roomIds) {
      const keep = new Set(roomIds);
      for (const roomId of await backend.roomIds()) {
        if (!keep.has(roomId)) await backend.delete(roomId);
      }
    },
  };
}
