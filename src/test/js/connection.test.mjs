import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection, socketUrl, Status } from '../../main/webapp/js/connection.js';

const ALICE = 'AAECAwQFBgcICQoLDA0ODw';
const IV = 'oKGio6Slpqeoqaqr';
const CT = 'A'.repeat(54);
const WELCOME = JSON.stringify({
  t: 'welcome', sessionId: ALICE, ownerId: ALICE, owner: true, latestSeq: 0, maxCounter: 0, profiles: [],
});

/** Timers that only run when the test says so. */
class Clock {
  constructor() { this.now = 0; this.tasks = new Map(); this.nextId = 1; }
  setTimeout(fn, ms) { const id = this.nextId++; this.tasks.set(id, { fn, at: this.now + ms }); return id; }
  clearTimeout(id) { this.tasks.delete(id); }
  setInterval(fn, ms) {
    const id = this.nextId++;
    const run = () => { this.tasks.set(id, { fn: () => { run(); fn(); }, at: this.now + ms }); };
    run();
    return id;
  }
  clearInterval(id) { this.tasks.delete(id); }
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.tasks.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.tasks.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = end;
  }
  pendingDelays() { return [...this.tasks.values()].map((t) => t.at - this.now); }
}

function harness({ since = () => 0 } = {}) {
  const sockets = [];
  class FakeSocket {
    constructor(url) { this.url = url; this.sent = []; this.readyState = 0; sockets.push(this); }
    send(text) { this.sent.push(JSON.parse(text)); }
    close() { this.readyState = 3; }
    open() { this.readyState = 1; this.onopen?.(); }
    receive(frame) { this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) }); }
    drop(code = 1006) { this.readyState = 3; this.onclose?.({ code }); }
  }
  const clock = new Clock();
  const events = { frames: [], statuses: [], refused: 0, gone: 0, ended: 0 };
  const connection = new Connection({
    url: 'ws://localhost/ws',
    auth: () => ({ token: 'T', since: since() }),
    onFrame: (f) => events.frames.push(f),
    onStatus: (s) => events.statuses.push(s),
    onAuthRefused: () => { events.refused += 1; },
    onGone: () => { events.gone += 1; },
    onSessionEnded: () => { events.ended += 1; },
    onRemoved: () => { events.removed = (events.removed ?? 0) + 1; },
    WebSocketImpl: FakeSocket,
    timers: clock,
    now: () => clock.now,
    random: () => 1,
  });
  return { connection, sockets, clock, events, last: () => sockets.at(-1) };
}

const msg = (c) => ({ t: 'msg', c, iv: IV, ct: CT });

test('the socket URL follows the page scheme', () => {
  assert.equal(socketUrl({ protocol: 'https:', host: 'a.example:8443' }), 'wss://a.example:8443/ws');
  assert.equal(socketUrl({ protocol: 'http:', host: 'localhost:9080' }), 'ws://localhost:9080/ws');
});

test('authenticates with the first frame and reports the status', () => {
  const { connection, events, last } = harness({ since: () => 7 });
  connection.start();
  assert.deepEqual(events.statuses, [Status.CONNECTING]);
  last().open();
  assert.deepEqual(last().sent, [{ t: 'auth', token: 'T', since: 7 }]);
  last().receive(WELCOME);
  assert.equal(connection.status, Status.CONNECTED);
  assert.equal(events.frames[0].t, 'welcome');
});

test('malformed frames are ignored without breaking the connection', () => {
  const { connection, events, last } = harness();
  connection.start();
  last().open();
  last().receive('garbage');
  last().receive('{"t":"msg","seq":"x"}');
  last().receive(WELCOME);
  assert.deepEqual(events.frames.map((f) => f.t), ['welcome']);
});

test('one message may carry several frames, one per line, handled in order', () => {
  const { connection, events, last } = harness();
  connection.enqueue(1, msg(1), { text: 'a' });
  connection.start();
  last().open();
  last().receive(`${WELCOME}\n${JSON.stringify({ t: 'ack', c: 1, seq: 1 })}\ngarbage\n${JSON.stringify({ t: 'typing', from: ALICE })}`);
  assert.equal(connection.status, Status.CONNECTED);
  assert.deepEqual(events.frames.map((f) => f.t), ['welcome', 'ack', 'typing'], 'a malformed line is skipped alone');
});

test('messages written offline wait in the outbox and go out after welcome, one at a time, until acked', () => {
  const { connection, last } = harness();
  connection.enqueue(1, msg(1), { text: 'a' });
  connection.start();
  last().open();
  connection.enqueue(2, msg(2), { text: 'b' });
  assert.deepEqual(last().sent.map((f) => f.t), ['auth'], 'nothing before welcome');
  last().receive(WELCOME);
  assert.deepEqual(last().sent.slice(1), [msg(1)]);
  last().receive({ t: 'ack', c: 1, seq: 1 });
  assert.deepEqual(last().sent.slice(1), [msg(1), msg(2)], 'the next one goes after the ack');
  assert.deepEqual([...connection.outbox.keys()], [2]);
  last().receive({ t: 'ack', c: 2, seq: 2 });
  assert.equal(connection.outbox.size, 0);
});

test('a frame without an ack in time is sent again, unchanged', () => {
  const { connection, clock, last } = harness();
  connection.start();
  last().open();
  last().receive(WELCOME);
  connection.enqueue(1, msg(1), {});
  clock.advance(9999);
  assert.deepEqual(last().sent.slice(1), [msg(1)]);
  clock.advance(1);
  assert.deepEqual(last().sent.slice(1), [msg(1), msg(1)]);
});

test('after a drop it reconnects with backoff, resumes from since, and resends the same frames', () => {
  let since = 0;
  const { connection, sockets, clock, events, last } = harness({ since: () => since });
  connection.start();
  last().open();
  last().receive(WELCOME);
  connection.enqueue(5, msg(5), { text: 'x' });
  assert.deepEqual(last().sent.at(-1), msg(5));
  since = 4;
  last().drop(1006);
  assert.equal(connection.status, Status.RECONNECTING);
  assert.equal(sockets.length, 1);
  clock.advance(499);
  assert.equal(sockets.length, 1, 'waits for the backoff');
  clock.advance(1);
  assert.equal(sockets.length, 2);
  last().open();
  assert.deepEqual(last().sent, [{ t: 'auth', token: 'T', since: 4 }]);
  last().receive(WELCOME);
  assert.deepEqual(last().sent.at(-1), msg(5), 'same frame, same counter');
  assert.deepEqual(events.statuses, [Status.CONNECTING, Status.CONNECTED, Status.RECONNECTING, Status.CONNECTED]);
});

test('backoff grows and is capped at ten seconds', () => {
  const { connection, clock, last } = harness();
  connection.start();
  const delays = [];
  for (let i = 0; i < 8; i += 1) {
    last().drop(1006);
    delays.push(Math.max(...clock.pendingDelays()));
    clock.advance(delays.at(-1));
  }
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
});

test('close 4029 (too many sockets of this session) waits the longest backoff before every retry', () => {
  const { connection, sockets, clock, events, last } = harness();
  connection.start();
  last().open();
  last().receive(WELCOME);
  last().drop(4029);
  assert.deepEqual(clock.pendingDelays(), [10000], 'no quick retry right after a welcome');
  for (let i = 0; i < 3; i += 1) {
    clock.advance(9999);
    assert.equal(sockets.length, 1 + i, 'nothing before the wait is over');
    clock.advance(1);
    last().open();
    last().drop(4029);
  }
  assert.equal(sockets.length, 4, 'one attempt per ten seconds, not a tight loop');
  assert.equal(connection.status, Status.RECONNECTING);
  assert.equal(events.refused + events.gone + events.ended, 0, 'it keeps trying: another tab may close');
});

test('close 1013 (too slow or unavailable) reconnects and resumes from the highest contiguous seq', () => {
  let since = 0;
  const { connection, sockets, clock, last } = harness({ since: () => since });
  connection.start();
  last().open();
  last().receive(WELCOME);
  since = 42;
  last().drop(1013);
  clock.advance(Math.max(...clock.pendingDelays()));
  assert.equal(sockets.length, 2);
  last().open();
  assert.deepEqual(last().sent[0], { t: 'auth', token: 'T', since: 42 });
});

test('gone stops reconnecting', () => {
  const { connection, sockets, clock, events, last } = harness();
  connection.start();
  last().open();
  last().receive(WELCOME);
  last().receive({ t: 'gone' });
  last().drop(4404);
  clock.advance(60000);
  assert.equal(events.gone, 1);
  assert.equal(sockets.length, 1);
  assert.equal(connection.status, Status.STOPPED);
});

test('close 4404 alone also means the room is gone', () => {
  const { connection, events, last } = harness();
  connection.start();
  last().open();
  last().drop(4404);
  assert.equal(events.gone, 1);
});

test('close 1008 reports a refused token and stops; start() reconnects afterwards', () => {
  const { connection, sockets, clock, events, last } = harness();
  connection.enqueue(3, msg(3), {});
  connection.start();
  last().open();
  last().drop(1008);
  clock.advance(60000);
  assert.equal(events.refused, 1);
  assert.equal(sockets.length, 1);
  assert.deepEqual(connection.takeOutbox().map((e) => e.c), [3]);
  connection.start();
  assert.equal(sockets.length, 2);
});

test('rate limiting holds the outbox and resends it in order after the wait', () => {
  const { connection, clock, events, last } = harness();
  connection.start();
  last().open();
  last().receive(WELCOME);
  connection.enqueue(1, msg(1), {});
  connection.enqueue(2, msg(2), {});
  last().receive({ t: 'error', code: 'rate_limited', message: 'slow', c: 1, retryAfterMs: 2000 });
  assert.equal(events.frames.at(-1).code, 'rate_limited');
  connection.enqueue(3, msg(3), {});
  assert.deepEqual(last().sent.slice(1), [msg(1)], 'held while rate limited');
  clock.advance(2000);
  assert.deepEqual(last().sent.slice(1), [msg(1), msg(1)], 'the refused frame goes first');
  last().receive({ t: 'ack', c: 1, seq: 1 });
  last().receive({ t: 'ack', c: 2, seq: 2 });
  assert.deepEqual(last().sent.slice(1), [msg(1), msg(1), msg(2), msg(3)]);
});

test('a frame the server could not store is sent again after the wait; other refusals do not hold the outbox', () => {
  const { connection, clock, last } = harness();
  connection.start();
  last().open();
  last().receive(WELCOME);
  connection.enqueue(1, msg(1), {});
  last().receive({ t: 'error', code: 'unavailable', message: 'Not stored; try again.', c: 1, retryAfterMs: 1000 });
  clock.advance(1000);
  assert.deepEqual(last().sent.slice(1), [msg(1), msg(1)]);
  last().receive({ t: 'ack', c: 1, seq: 1 });
  last().receive({ t: 'error', code: 'rate_limited', message: 'profile', c: 9, retryAfterMs: 1000 });
  connection.enqueue(2, msg(2), {});
  assert.deepEqual(last().sent.at(-1), msg(2), 'a refused profile (not in the outbox) does not hold chat frames');
});

test('a frame refused for good is dropped and the next one goes out', () => {
  const { connection, last } = harness();
  connection.start();
  last().open();
  last().receive(WELCOME);
  connection.enqueue(1, msg(1), { text: 'too much' });
  connection.enqueue(2, msg(2), {});
  assert.deepEqual(connection.drop(1).meta, { text: 'too much' });
  assert.deepEqual(last().sent.slice(1), [msg(1), msg(2)]);
});

test('close 4001 (this session left the room) stops without reconnecting', () => {
  const { connection, sockets, clock, events, last } = harness();
  connection.start();
  last().open();
  last().receive(WELCOME);
  last().drop(4001);
  clock.advance(60000);
  assert.equal(events.ended, 1);
  assert.equal(events.refused, 0);
  assert.equal(sockets.length, 1);
});

test('close 4003 (the owner removed this session) stops without reconnecting', () => {
  const { connection, sockets, clock, events, last } = harness();
  connection.start();
  last().open();
  last().receive(WELCOME);
  last().drop(4003);
  clock.advance(60000);
  assert.equal(events.removed, 1);
  assert.equal(events.refused, 0);
  assert.equal(sockets.length, 1);
  assert.equal(connection.status, Status.STOPPED);
});

test('a knocking session waits without sending chat, and reconnects at once when admitted (4100)', () => {
  const { connection, sockets, events, last } = harness();
  connection.start();
  last().open();
  connection.enqueue(1, msg(1), { text: 'hi' });
  last().receive({ t: 'waiting', sessionId: ALICE });
  assert.equal(connection.status, Status.WAITING);
  assert.deepEqual(last().sent, [{ t: 'auth', token: 'T', since: 0 }]);
  assert.equal(events.frames.at(-1).t, 'waiting');
  last().receive({ t: 'admitted' });
  last().drop(4100);
  assert.equal(sockets.length, 2);
  last().open();
  last().receive(WELCOME);
  assert.equal(connection.status, Status.CONNECTED);
  assert.deepEqual(last().sent.slice(1), [msg(1)]);
});

test('pings periodically and reconnects when the server falls silent', () => {
  const { connection, sockets, clock, last } = harness();
  connection.start();
  last().open();
  last().receive(WELCOME);
  clock.advance(20000);
  assert.deepEqual(last().sent.at(-1), { t: 'ping' });
  last().receive({ t: 'pong' });
  clock.advance(20000);
  clock.advance(20000);
  assert.equal(sockets.length, 1);
  clock.advance(20000);
  assert.equal(connection.status, Status.RECONNECTING);
  clock.advance(500);
  assert.equal(sockets.length, 2);
});
