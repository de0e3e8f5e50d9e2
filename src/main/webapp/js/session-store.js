// Remembers this browser's session per room (never the room code): {sessionId, token, owner, counter, nick}.

import { isCounter, isSessionId, isToken, MAX_NICK_CHARS } from './protocol.js';

const PREFIX = 'sotto.session.';

export class SessionStore {
  constructor(storage = globalThis.localStorage) {
    this.storage = storage;
  }

  load(roomId) {
    let value;
    try {
      value = JSON.parse(this.storage.getItem(PREFIX + roomId));
    } catch {
      return null;
    }
    if (!value || !isSessionId(value.sessionId) || !isToken(value.token) || typeof value.owner !== 'boolean') return null;
    return {
      sessionId: value.sessionId,
      token: value.token,
      owner: value.owner,
      counter: Number.isSafeInteger(value.counter) && value.counter >= 0 ? value.counter : 0,
      nick: typeof value.nick === 'string' && value.nick.length <= MAX_NICK_CHARS ? value.nick : '',
    };
  }

  save(roomId, session) {
    const { sessionId, token, owner, counter, nick } = session;
    try {
      this.storage.setItem(PREFIX + roomId, JSON.stringify({ sessionId, token, owner, counter, nick }));
    } catch {
      // Storage full or disabled: the session still works until the page is closed.
    }
  }

  /**
   * Reserves the next counter of the session and persists it before it is used, so that a reload
   * (or a second tab) never reuses one. `floor` is the highest counter the server has seen.
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

  remove(roomId) {
    try {
      this.storage.removeItem(PREFIX + roomId);
    } catch {
      // Nothing to do.
    }
  }
}
