// What one tab remembers of its rooms, in sessionStorage only: it is gone when the tab closes, and no
// other tab sees it. Never the nickname, never anything in localStorage.
//   sotto.room              the code of the room this tab is in: a reload re-enters it, "Copy invite link" works
//   sotto.session.<roomId>  {sessionId, token, owner, admitted, counter, savedAt}
//   sotto.guard.<roomId>    the replay guard: per sender, the highest chat counter accepted and its seq
// Entries unused for MAX_AGE_MS are dropped; the room would be deleted by then unless others kept it busy.

import { isCounter, isSessionId, isToken } from './protocol.js';

const CURRENT = 'sotto.room';
const SESSION = 'sotto.session.';
const GUARD = 'sotto.guard.';

/** A room idle this long is deleted by the server (sotto.room.idle-seconds, 24 h by default). */
export const MAX_AGE_MS = 24 * 60 * 60 * 1000;

function read(storage, key) {
  try {
    return JSON.parse(storage.getItem(key));
  } catch {
    return null;
  }
}

function write(storage, key, value) {
  try {
    storage.setItem(key, typeof value === 'string' ? value : JSON.stringify(value));
  } catch {
    // Storage full or disabled: the room still works until the page is closed.
  }
}

function remove(storage, key) {
  try {
    storage.removeItem(key);
  } catch {
    // Nothing to do.
  }
}

function keys(storage) {
  const out = [];
  try {
    for (let i = 0; i < storage.length; i += 1) out.push(storage.key(i));
  } catch {
    // Storage disabled: nothing is kept.
  }
  return out;
}

function validSession(value) {
  return value && isSessionId(value.sessionId) && isToken(value.token) && typeof value.owner === 'boolean';
}

export class SessionStore {
  constructor(storage = globalThis.sessionStorage, now = Date.now) {
    this.storage = storage;
    this.now = now;
  }

  // ---- the room this tab is in ----

  currentCode() {
    try {
      return this.storage.getItem(CURRENT);
    } catch {
      return null;
    }
  }

  setCurrent(formatted) {
    write(this.storage, CURRENT, formatted);
  }

  clearCurrent() {
    remove(this.storage, CURRENT);
  }

  // ---- sessions ----

  /** The session kept for a room, or null (none, corrupt, or older than MAX_AGE_MS: then it is dropped). */
  load(roomId) {
    const value = read(this.storage, SESSION + roomId);
    if (!validSession(value)) return null;
    if (!(Number.isFinite(value.savedAt) && this.now() - value.savedAt < MAX_AGE_MS)) {
      this.remove(roomId);
      return null;
    }
    return {
      sessionId: value.sessionId,
      token: value.token,
      owner: value.owner,
      // false while the session knocks (the owner has not admitted it yet)
      admitted: value.admitted !== false,
      counter: Number.isSafeInteger(value.counter) && value.counter >= 0 ? value.counter : 0,
    };
  }

  /**
   * Keeps the session's ID, token, owner flag, admission and counter; anything else it carries (the nickname) is
   * not kept.
   */
  save(roomId, session) {
    const {
      sessionId, token, owner, counter,
    } = session;
    write(this.storage, SESSION + roomId, {
      sessionId, token, owner, admitted: session.admitted !== false, counter, savedAt: this.now(),
    });
  }

  /**
   * Reserves the next counter of the session and persists it before it is used, so that a reload never
   * reuses one. `floor` is the highest counter the server has seen.
   */
  nextCounter(roomId, session, floor = 0) {
    const stored = this.load(roomId);
    const sameSession = stored && stored.sessionId === session.sessionId;
    const next = Math.max(session.counter, floor, sameSession ? stored.counter : 0) + 1;
    if (!isCounter(next)) throw new RangeError('counter space exhausted');
    session.counter = next;
    this.save(roomId, session);
    return next;
  }

  /** Forgets everything of a room: its session and its replay guard. */
  remove(roomId) {
    this.forgetSession(roomId);
    remove(this.storage, GUARD + roomId);
  }

  /** Forgets a room's session only (refused, or used by another tab); the replay guard stays. */
  forgetSession(roomId) {
    remove(this.storage, SESSION + roomId);
  }

  /** Drops the sessions and replay guards of every room but `roomId` (none: all of them). */
  keepOnly(roomId) {
    for (const key of keys(this.storage)) {
      for (const prefix of [SESSION, GUARD]) {
        if (key && key.startsWith(prefix) && key.slice(prefix.length) !== roomId) remove(this.storage, key);
      }
    }
  }

  // ---- replay guard ----

  /** The guard kept for a room: {senderId: [counter, seq]}, or {}. */
  loadGuard(roomId) {
    const value = read(this.storage, GUARD + roomId);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
    const guard = {};
    for (const [from, top] of Object.entries(value)) {
      if (isSessionId(from) && Array.isArray(top) && isCounter(top[0]) && isCounter(top[1])) guard[from] = [top[0], top[1]];
    }
    return guard;
  }

  saveGuard(roomId, guard) {
    write(this.storage, GUARD + roomId, guard);
  }

  // ---- moving in from older versions ----

  /**
   * Earlier versions kept {sessionId, token, owner, counter, nick} per room in localStorage, without expiry.
   * Moves the sessions into this tab's store (without the nickname), so that people in a room stay its
   * participants, and removes every old entry from localStorage.
   */
  adoptLegacy(legacy) {
    if (!legacy) return;
    for (const key of keys(legacy)) {
      if (!key || !key.startsWith(SESSION)) continue;
      const roomId = key.slice(SESSION.length);
      const value = read(legacy, key);
      if (validSession(value) && read(this.storage, SESSION + roomId) === null) {
        this.save(roomId, { ...value, counter: Number.isSafeInteger(value.counter) ? value.counter : 0 });
      }
      remove(legacy, key);
    }
  }
}
