// One WebSocket to /ws: authenticates with the first frame, resumes from the highest contiguous seq,
// reconnects with capped exponential backoff and jitter, keeps an outbox of sealed chat frames until
// the server acknowledges them, and pings to keep the connection alive.
//
// The outbox sends one frame at a time and the next one after the ack, so that messages are stored in
// the order they were written even when the server refuses one for a while (rate limit) and it is
// sent again. A resend is always the same frame with the same counter: the server stores it once.

import { authFrame, encodeFrame, parseServerFrame, pingFrame, splitFrames } from './protocol.js';

export const Status = Object.freeze({
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  RECONNECTING: 'reconnecting',
  STOPPED: 'stopped',
  WAITING: 'waiting',
});

const OPEN = 1;
export const CLOSE_POLICY = 1008;
export const CLOSE_SESSION_ENDED = 4001;
/** The owner removed this session from the room (or refused its knock). */
export const CLOSE_REMOVED = 4003;
/** The owner admitted this knocking session: reconnect at once for the welcome. */
export const CLOSE_ADMITTED = 4100;
/** This session already has the most sockets open (other tabs): wait the longest backoff before each retry. */
export const CLOSE_TOO_MANY_CONNECTIONS = 4029;
export const CLOSE_ROOM_DELETED = 4404;
/** Envelope errors after which the same frame is sent again once the wait is over. */
const RETRYABLE = new Set(['rate_limited', 'unavailable']);
const DEFAULT_RETRY_MS = 1000;

export function socketUrl(loc = globalThis.location) {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

export class Connection {
  /**
   * @param {object} o
   * @param {string} o.url
   * @param {() => {token: string, since: number}} o.auth  read at every (re)connect
   * @param {(frame: object) => void} o.onFrame  every valid server frame except pong and gone
   * @param {(status: string) => void} [o.onStatus]
   * @param {() => void} [o.onAuthRefused]  close 1008: the token was refused; the connection stops
   * @param {() => void} [o.onGone]  `gone` frame or close 4404; the connection stops
   * @param {() => void} [o.onSessionEnded]  close 4001: this session left the room (e.g. in another tab)
   * @param {() => void} [o.onRemoved]  close 4003: the owner removed this session; the connection stops
   */
  constructor({
    url, auth, onFrame, onStatus = () => {}, onAuthRefused = () => {}, onGone = () => {}, onSessionEnded = () => {},
    onRemoved = () => {}, WebSocketImpl = globalThis.WebSocket, timers = globalThis, random = Math.random, now = Date.now,
    pingIntervalMs = 20000, baseBackoffMs = 500, maxBackoffMs = 10000, ackTimeoutMs = 10000,
  }) {
    Object.assign(this, {
      url, auth, onFrame, onStatus, onAuthRefused, onGone, onSessionEnded, onRemoved, WebSocketImpl, timers, random, now,
      pingIntervalMs, baseBackoffMs, maxBackoffMs, ackTimeoutMs,
    });
    this.outbox = new Map(); // c -> { c, frame, meta }, oldest first
    this.inFlight = null; // counter of the outbox frame sent and not yet acked
    this.ws = null;
    this.status = Status.STOPPED;
    this.welcomed = false;
    this.everConnected = false;
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pauseTimer = null;
    this.ackTimer = null;
    this.pausedUntil = 0;
    this.lastFrameAt = 0;
  }

  start() {
    if (this.status !== Status.STOPPED) return;
    this.setStatus(this.everConnected ? Status.RECONNECTING : Status.CONNECTING);
    this.connect();
  }

  /** Closes the socket and stops reconnecting. The outbox is kept. */
  stop() {
    this.setStatus(Status.STOPPED);
    this.clearTimers();
    this.dropSocket();
  }

  /** When the network is back, try now instead of waiting for the backoff. */
  nudge() {
    if (this.retryTimer !== null) {
      this.timers.clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.connect();
    }
  }

  get online() {
    return this.welcomed && this.ws !== null && this.ws.readyState === OPEN;
  }

  /** Queues a sealed chat frame under its counter; it is sent when its turn comes and kept until acked. */
  enqueue(c, frame, meta) {
    this.outbox.set(c, { c, frame, meta });
    this.pump();
  }

  /** Removes an outbox entry for good (the server refused it) and returns it. */
  drop(c) {
    const entry = this.outbox.get(c);
    this.outbox.delete(c);
    if (this.inFlight === c) this.settle();
    this.pump();
    return entry;
  }

  /** Empties the outbox and returns its entries, oldest first (to re-seal them for a new session). */
  takeOutbox() {
    const entries = [...this.outbox.values()];
    this.outbox.clear();
    this.settle();
    return entries;
  }

  /** Sends a frame that need not survive a disconnect (typing, profile). Returns whether it went out. */
  sendNow(frame) {
    return this.online ? this.sendRaw(frame) : false;
  }

  /** Sends a knocking session's `knock` now, if its socket waits for the owner; returns false otherwise. */
  sendKnock(frame) {
    return this.status === Status.WAITING && this.socketOpen ? this.sendRaw(frame) : false;
  }

  get socketOpen() {
    return this.ws !== null && this.ws.readyState === OPEN;
  }

  // ---- internals ----

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.onStatus(status);
  }

  /** Sends the oldest outbox frame when connected, not held back, and nothing else awaits its ack. */
  pump() {
    if (!this.online || this.now() < this.pausedUntil || this.inFlight !== null) return;
    const head = this.outbox.values().next().value;
    if (!head) return;
    this.inFlight = head.c;
    this.sendRaw(head.frame);
    // No ack in time (a lost frame or a stuck server): send the same frame again.
    this.ackTimer = this.timers.setTimeout(() => {
      this.ackTimer = null;
      this.inFlight = null;
      this.pump();
    }, this.ackTimeoutMs);
  }

  /** Nothing is awaiting an ack any more. */
  settle() {
    this.inFlight = null;
    if (this.ackTimer !== null) this.timers.clearTimeout(this.ackTimer);
    this.ackTimer = null;
  }

  /** Holds the outbox for `ms` (rate limited, or the server could not store), then sends it again in order. */
  pause(ms) {
    this.settle();
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    if (this.pauseTimer !== null) this.timers.clearTimeout(this.pauseTimer);
    this.pauseTimer = this.timers.setTimeout(() => {
      this.pauseTimer = null;
      this.pausedUntil = 0;
      this.pump();
    }, Math.max(0, this.pausedUntil - this.now()));
  }

  sendRaw(frame) {
    try {
      this.ws.send(encodeFrame(frame));
      return true;
    } catch {
      return false;
    }
  }

  connect() {
    this.retryTimer = null;
    this.dropSocket();
    let ws;
    try {
      ws = new this.WebSocketImpl(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      const { token, since } = this.auth();
      this.lastFrameAt = this.now();
      this.sendRaw(authFrame(token, since));
    };
    ws.onmessage = (event) => splitFrames(event.data).forEach((frame) => this.receive(frame));
    ws.onclose = (event) => this.closed(event.code);
    ws.onerror = () => {};
  }

  receive(data) {
    this.lastFrameAt = this.now();
    const frame = parseServerFrame(data);
    if (!frame || frame.t === 'pong') return;
    if (frame.t === 'gone') {
      this.finish(this.onGone);
      return;
    }
    if (frame.t === 'welcome') {
      this.welcomed = true;
      this.everConnected = true;
      this.attempt = 0;
      this.setStatus(Status.CONNECTED);
      this.startPing();
      this.onFrame(frame);
      this.pump();
      return;
    }
    if (frame.t === 'waiting') {
      // A knocking session: connected, but nothing of the room (and no chat) until the owner admits it.
      this.everConnected = true;
      this.attempt = 0;
      this.setStatus(Status.WAITING);
      this.startPing();
      this.onFrame(frame);
      return;
    }
    if (frame.t === 'ack') {
      this.outbox.delete(frame.c);
      if (this.inFlight === frame.c) this.settle();
    }
    if (frame.t === 'error' && RETRYABLE.has(frame.code) && this.outbox.has(frame.c)) {
      this.pause(frame.retryAfterMs ?? DEFAULT_RETRY_MS);
    }
    this.onFrame(frame);
    if (frame.t === 'ack') this.pump();
  }

  closed(code) {
    this.ws = null;
    this.welcomed = false;
    this.settle();
    this.stopPing();
    if (this.status === Status.STOPPED) return;
    if (code === CLOSE_ROOM_DELETED) this.finish(this.onGone);
    else if (code === CLOSE_POLICY) this.finish(this.onAuthRefused);
    else if (code === CLOSE_SESSION_ENDED) this.finish(this.onSessionEnded);
    else if (code === CLOSE_REMOVED) this.finish(this.onRemoved);
    else if (code === CLOSE_ADMITTED) {
      this.attempt = 0;
      this.setStatus(Status.CONNECTING);
      this.connect();
    } else {
      this.setStatus(this.everConnected ? Status.RECONNECTING : Status.CONNECTING);
      // Too many sockets of this session (other tabs): one may close soon, but retrying fast cannot help.
      if (code === CLOSE_TOO_MANY_CONNECTIONS) this.attempt = 30;
      this.scheduleReconnect();
    }
  }

  finish(callback) {
    if (this.status === Status.STOPPED) return;
    this.stop();
    callback();
  }

  scheduleReconnect() {
    const ceiling = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    const delay = ceiling / 2 + this.random() * (ceiling / 2);
    this.retryTimer = this.timers.setTimeout(() => this.connect(), delay);
  }

  startPing() {
    this.stopPing();
    this.pingTimer = this.timers.setInterval(() => {
      if (this.now() - this.lastFrameAt > 2 * this.pingIntervalMs) {
        // Nothing heard for two intervals: the socket is dead even if the browser has not noticed.
        this.dropSocket();
        this.stopPing();
        this.setStatus(Status.RECONNECTING);
        this.scheduleReconnect();
      } else {
        if (this.socketOpen) this.sendRaw(pingFrame());
      }
    }, this.pingIntervalMs);
  }

  stopPing() {
    if (this.pingTimer !== null) this.timers.clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  clearTimers() {
    this.stopPing();
    this.settle();
    for (const name of ['retryTimer', 'pauseTimer']) {
      if (this[name] !== null) this.timers.clearTimeout(this[name]);
      this[name] = null;
    }
    this.pausedUntil = 0;
  }

  dropSocket() {
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    this.settle();
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close(1000);
    } catch {
      // Already closing.
    }
  }
}
