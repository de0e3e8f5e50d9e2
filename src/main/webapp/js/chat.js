// Room state: messages keyed by seq, replay and duplicate detection, contiguous-seq tracking,
// nicknames from profiles, who is online and who is typing. No DOM, no I/O.
//
// The replay guard outlives the page: a sender's chat envelopes are stored in the order they were written
// (its outbox sends one at a time, the next after the ack), so along seqs its counters only rise. The
// highest counter accepted from each sender, with its seq, is kept by the caller (sessionStorage) and given
// back after a reload: an envelope at a later seq must carry a higher counter, one at that same seq the same
// counter. An old envelope replayed as a new message by the server is thus dropped after a reload too.

import { t } from './i18n.js';

export const TYPING_VISIBLE_MS = 5000;

export class ChatState {
  constructor() {
    this.messages = new Map(); // seq -> { seq, from, c, at, text, nick, sentAt, file? }
    this.seen = new Set(); // every seq processed, shown or dropped
    this.envelopes = new Set(); // "from:c" of accepted chat envelopes
    this.highest = new Map(); // sessionId -> { c, seq }: the highest counter accepted from the sender
    this.guardChanged = false;
    this.lowest = 0; // lowest seq processed (0: none)
    this.contiguous = 0; // top of the gap-free run starting at `lowest`
    this.profiles = new Map(); // sessionId -> { nick, c }
    this.online = new Set();
    this.typing = new Map(); // sessionId -> visible until (ms)
    this.selfId = null;
    this.ownerId = null;
  }

  /** Whether a frame with this seq still needs to be opened (cheap check before decrypting). */
  isNewSeq(seq) {
    return !this.seen.has(seq);
  }

  /**
   * Records a stored chat message. `body` is the opened plaintext, or null when it failed to open.
   * `late`: the frame was held back unopened (its seq already marked seen) and can be opened now.
   * Returns the message when it is new and shown; null for a known seq, an unreadable envelope,
   * or a replay of an envelope (from, c) already accepted.
   */
  receive(frame, body, { late = false } = {}) {
    const { seq, from, c, at } = frame;
    // late: a frame held back (its key came later) whose seq was marked seen when it arrived.
    if (this.seen.has(seq) && !(late && !this.messages.has(seq))) return null;
    this.markSeen(seq);
    if (!body) return null;
    const key = `${from}:${c}`;
    if (this.envelopes.has(key) || !this.fitsGuard(from, c, seq)) return null;
    this.envelopes.add(key);
    const top = this.highest.get(from);
    if (!top || seq > top.seq) {
      this.highest.set(from, { c, seq });
      this.guardChanged = true;
    }
    const message = { seq, from, c, at, text: body.text ?? '', nick: body.nick, sentAt: body.sentAt };
    if (body.file) message.file = body.file;
    this.messages.set(seq, message);
    this.typing.delete(from);
    return message;
  }

  /** Whether (from, c) at this seq agrees with the highest counter accepted from that sender. */
  fitsGuard(from, c, seq) {
    const top = this.highest.get(from);
    if (!top) return true;
    if (seq > top.seq) return c > top.c;
    if (seq === top.seq) return c === top.c;
    return c !== top.c;
  }

  /** The replay guard to keep across reloads: {sessionId: [counter, seq]}. */
  guard() {
    const out = {};
    for (const [from, { c, seq }] of this.highest) out[from] = [c, seq];
    return out;
  }

  /** Takes back a guard kept by guard(); counters accepted since are not lowered. */
  restoreGuard(kept) {
    for (const [from, [c, seq]] of Object.entries(kept)) {
      const top = this.highest.get(from);
      if (!top || seq > top.seq) this.highest.set(from, { c, seq });
    }
  }

  markSeen(seq) {
    this.seen.add(seq);
    if (this.lowest === 0 || seq < this.lowest) {
      this.lowest = seq;
      this.contiguous = seq;
    }
    while (this.seen.has(this.contiguous + 1)) this.contiguous += 1;
  }

  /** The `since` to resume from: the highest seq held without a gap (0: none). */
  get since() {
    return this.contiguous;
  }

  get hasEarlier() {
    return this.lowest > 1;
  }

  /** Messages in seq order. */
  ordered() {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }

  isOwn(message) {
    return message.from === this.selfId;
  }

  // ---- people ----

  /** Whether a profile with this counter is not older than the last applied one of that sender. */
  acceptsProfile(from, c) {
    const known = this.profiles.get(from);
    return !known || c >= known.c;
  }

  /** Applies a profile when its counter is not older than the last applied one of that sender. */
  applyProfile(from, c, nick) {
    const known = this.profiles.get(from);
    if (known && c < known.c) return false;
    this.profiles.set(from, { nick, c });
    return true;
  }

  nickOf(sessionId, fallback = '') {
    const profile = this.profiles.get(sessionId);
    return (profile && profile.nick) || fallback || t('people.anonymous');
  }

  /** A member left the room for good: forget their profile and presence. */
  forget(sessionId) {
    this.profiles.delete(sessionId);
    this.online.delete(sessionId);
    this.typing.delete(sessionId);
  }

  setOnline(ids) {
    this.online = new Set(ids);
    for (const id of this.typing.keys()) if (!this.online.has(id)) this.typing.delete(id);
  }

  /** Everyone known in the room: oneself first, then those online, then by nickname. */
  participants() {
    const ids = new Set([...this.profiles.keys(), ...this.online]);
    if (this.selfId) ids.add(this.selfId);
    return [...ids]
      .map((id) => ({
        id,
        nick: this.nickOf(id),
        online: this.online.has(id),
        owner: id === this.ownerId,
        self: id === this.selfId,
      }))
      .sort((a, b) => Number(b.self) - Number(a.self) || Number(b.online) - Number(a.online)
        || a.nick.localeCompare(b.nick) || a.id.localeCompare(b.id));
  }

  noteTyping(from, now) {
    if (from !== this.selfId) this.typing.set(from, now + TYPING_VISIBLE_MS);
  }

  /** Nicknames of those typing at `now`. */
  typists(now) {
    const names = [];
    for (const [id, until] of this.typing) {
      if (until > now) names.push(this.nickOf(id));
      else this.typing.delete(id);
    }
    return names;
  }
}

/** "Quiet Otter is typing…", "A and B are typing…", "Several people are typing…". */
export function typingText(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return t('typing.one', { name: names[0] });
  if (names.length === 2) return t('typing.two', { first: names[0], second: names[1] });
  return t('typing.many');
}

/** Lets a typing frame through at most once per interval. */
export function createThrottle(intervalMs, now = Date.now) {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < intervalMs) return false;
    last = t;
    return true;
  };
}
