// The encrypted signaling channel of a call: signs and seals payloads for one recipient under the session's counter
// and the room's newest epoch key, and sends them in order, paced below the relay's limit; opens received signals,
// dropping any that fail to open or to verify under the sender's announced keys or replay a (sender, counter); and
// takes back the relay's refusals of its frames. No DOM.

import { openSignal, sealSignal } from './signaling.js';

/** The relay allows about 30 signals a second with bursts of 100; stay below it so nothing is refused. */
const RATE_PER_SECOND = 25;
const BURST = 80;
const REMEMBER_SENT_MS = 30000;
const DEFAULT_RETRY_MS = 1000;

export class SignalChannel {
  /**
   * @param {object} o
   * @param {() => {keyring: import('../trust/epochs.js').EpochKeys, roomId: string, selfId: string,
   *   signKey: CryptoKey, keysOf: (sessionId: string) => ({sig: string, dh: string}|null)}} o.context
   *   read at every seal and open: the room's epoch keys, this member's private signing key, and the verified
   *   public keys each member announced in its profile (null when none is known: its signals are dropped)
   * @param {() => number} o.nextCounter  reserves the session's next counter (shared with chat and profile)
   * @param {(frame: object) => boolean} o.sendFrame  sends a client frame now; false when offline
   * @param {(from: string, payload: object) => (void|Promise<void>)} o.onMessage  an opened, validated payload
   * @param {(to: string) => void} [o.onUnreachable]  the relay said the recipient is not in the room
   * @param {(error: Error) => void} [o.onTooLarge]  a payload was too large to seal
   */
  constructor({
    context, nextCounter, sendFrame, onMessage, onUnreachable = () => {}, onTooLarge = () => {},
    timers = globalThis, now = Date.now,
  }) {
    Object.assign(this, { context, nextCounter, sendFrame, onMessage, onUnreachable, onTooLarge, timers, now });
    this.outgoing = Promise.resolve();
    this.incoming = Promise.resolve();
    this.seen = new Set(); // "from:c" of signals opened
    this.sent = new Map(); // c -> { to, frame, at }: frames the relay may still refuse
    this.tokens = BURST;
    this.refilledAt = now();
  }

  /** Seals and sends a payload to one member, after everything sent before it. Resolves whether it went out. */
  send(to, payload) {
    const step = this.outgoing.then(async () => {
      await this.pace();
      const {
        keyring, roomId, selfId, signKey,
      } = this.context();
      const { epoch, key } = keyring.highest;
      const counter = this.nextCounter();
      let frame;
      try {
        frame = await sealSignal({
          roomId, sessionId: selfId, counter, epoch, key, signKey,
        }, to, payload);
      } catch (error) {
        this.onTooLarge(error);
        return false;
      }
      this.remember(counter, to, frame);
      return this.sendFrame(frame);
    });
    this.outgoing = step.catch(() => false);
    return this.outgoing;
  }

  /** Takes a `signal` frame from the relay; payloads reach onMessage one at a time, in order. */
  receive(frame) {
    this.incoming = this.incoming.then(async () => {
      const id = `${frame.from}:${frame.c}`;
      if (this.seen.has(id)) return;
      const {
        keyring, roomId, selfId, keysOf,
      } = this.context();
      const payload = await openSignal(keyring, roomId, selfId, frame, keysOf(frame.from));
      if (!payload || this.seen.has(id)) return;
      this.seen.add(id);
      await this.onMessage(frame.from, payload);
    }).catch(() => {});
    return this.incoming;
  }

  /**
   * An `error` frame from the relay. Returns true when it was about one of this channel's signals:
   * a rate-limited one is sent again as is after the wait, one to a member who is gone is reported.
   */
  refused(error) {
    const entry = error.c === undefined ? undefined : this.sent.get(error.c);
    if (!entry) return false;
    this.sent.delete(error.c);
    if (error.code === 'rate_limited') {
      this.timers.setTimeout(() => {
        this.outgoing = this.outgoing.then(() => {
          this.remember(entry.frame.c, entry.to, entry.frame);
          return this.sendFrame(entry.frame);
        }).catch(() => false);
      }, error.retryAfterMs ?? DEFAULT_RETRY_MS);
    } else if (error.code === 'not_in_room') {
      this.onUnreachable(entry.to);
    }
    return true;
  }

  /** Waits for a token of the local budget. */
  async pace() {
    const t = this.now();
    this.tokens = Math.min(BURST, this.tokens + ((t - this.refilledAt) * RATE_PER_SECOND) / 1000);
    this.refilledAt = t;
    if (this.tokens < 1) {
      const wait = Math.ceil(((1 - this.tokens) * 1000) / RATE_PER_SECOND);
      await new Promise((resolve) => { this.timers.setTimeout(resolve, wait); });
      this.tokens = 1;
      this.refilledAt = this.now();
    }
    this.tokens -= 1;
  }

  remember(counter, to, frame) {
    const t = this.now();
    this.sent.set(counter, { to, frame, at: t });
    for (const [c, entry] of this.sent) {
      if (t - entry.at <= REMEMBER_SENT_MS) break;
      this.sent.delete(c);
    }
  }
}
