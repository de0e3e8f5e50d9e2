import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DISCONNECTED_MS, MAX_RESTARTS, Peer, RESTART_GRACE_MS, RETRY_MS,
} from '../../main/webapp/js/call/peer.js';

// A Peer recovering from a broken network path, with a fake RTCPeerConnection and fake timers: when it restarts
// ICE, how often, what the call is told meanwhile, and when it gives the other side up.

class FakeTimers {
  constructor() {
    this.now = 0;
    this.pending = new Map();
    this.next = 1;
  }

  setTimeout(fn, ms) {
    const id = this.next++;
    this.pending.set(id, { fn, at: this.now + ms });
    return id;
  }

  clearTimeout(id) {
    this.pending.delete(id);
  }

  /** Moves the clock on, running every timer that falls due on the way, in order (bounded). */
  advance(ms) {
    const until = this.now + ms;
    for (let i = 0; i < 100; i++) {
      const due = [...this.pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}

class FakeConnection {
  constructor() {
    this.connectionState = 'new';
    this.signalingState = 'stable';
    this.localDescription = null;
    this.restartsAt = [];
    this.closed = false;
    FakeConnection.last = this;
  }

  restartIce() {
    this.restartsAt.push(FakeConnection.timers.now);
  }

  /** The browser moves the connection to `state` and tells the page. */
  become(state) {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }

  getTransceivers() {
    return [];
  }

  close() {
    this.closed = true;
  }
}

function peer({ polite = false } = {}) {
  const timers = new FakeTimers();
  FakeConnection.timers = timers;
  const states = [];
  const sent = [];
  const p = new Peer({
    polite,
    initiator: true,
    configuration: {},
    send: (m) => sent.push(m),
    onTrack: () => {},
    onState: (s) => states.push(s),
    PeerConnection: FakeConnection,
    timers,
  });
  const pc = FakeConnection.last;
  pc.become('connecting');
  pc.become('connected');
  states.length = 0;
  return {
    p, pc, timers, states, sent,
  };
}

test('a connection that stays disconnected restarts ICE after a short wait, and says it is reconnecting', () => {
  const { pc, timers, states } = peer();
  pc.become('disconnected');
  assert.deepEqual(states, ['reconnecting']);
  timers.advance(DISCONNECTED_MS - 1);
  assert.deepEqual(pc.restartsAt, [], 'a short blip does not restart');
  timers.advance(1);
  assert.deepEqual(pc.restartsAt, [DISCONNECTED_MS]);
  pc.become('connected');
  assert.deepEqual(states, ['reconnecting', 'connected']);
  timers.advance(60_000);
  assert.equal(pc.restartsAt.length, 1, 'back: no more restarts, nothing given up');
  assert.deepEqual(states, ['reconnecting', 'connected']);
});

test('a blip shorter than the wait restarts nothing', () => {
  const { pc, timers, states } = peer();
  pc.become('disconnected');
  timers.advance(1000);
  pc.become('connected');
  timers.advance(60_000);
  assert.deepEqual(pc.restartsAt, []);
  assert.deepEqual(states, ['reconnecting', 'connected']);
});

test('failed restarts ICE at once, without waiting', () => {
  const { pc, timers } = peer();
  pc.become('disconnected');
  timers.advance(1000);
  pc.become('failed');
  assert.deepEqual(pc.restartsAt, [1000]);
  timers.advance(DISCONNECTED_MS);
  assert.deepEqual(pc.restartsAt, [1000], 'the pending wait for disconnected does not restart a second time');
});

test('a restart that does not bring the connection back is tried again, a bounded number of times', () => {
  const { pc, timers } = peer();
  pc.become('failed');
  pc.become('disconnected');
  pc.become('failed');
  timers.advance(RESTART_GRACE_MS - 1);
  assert.deepEqual(pc.restartsAt, Array.from({ length: MAX_RESTARTS }, (_, i) => i * RETRY_MS));
  assert.ok(pc.restartsAt.at(-1) < RESTART_GRACE_MS, 'every restart has time to work');
});

test('not connected again within the grace after the first restart: the peer has failed, once', () => {
  const { pc, timers, states } = peer();
  pc.become('disconnected');
  timers.advance(DISCONNECTED_MS);
  pc.become('failed');
  timers.advance(RESTART_GRACE_MS - 1);
  assert.ok(!states.includes('failed'));
  timers.advance(1);
  assert.equal(states.at(-1), 'failed');
  timers.advance(60_000);
  assert.equal(states.filter((s) => s === 'failed').length, 1);
  assert.equal(pc.restartsAt.length, MAX_RESTARTS);
});

test('back in time after the second restart: the recovery ends and a later break starts a fresh one', () => {
  const { pc, timers, states } = peer();
  pc.become('failed');
  timers.advance(RETRY_MS);
  assert.equal(pc.restartsAt.length, 2);
  pc.become('connected');
  timers.advance(RESTART_GRACE_MS);
  assert.ok(!states.includes('failed'));
  pc.become('disconnected');
  timers.advance(DISCONNECTED_MS);
  assert.equal(pc.restartsAt.length, 3, 'a new recovery restarts again');
  timers.advance(RESTART_GRACE_MS);
  assert.equal(states.at(-1), 'failed', 'with a grace of its own');
});

test('a closed peer restarts nothing and reports nothing', () => {
  const { p, pc, timers, states } = peer();
  pc.become('disconnected');
  p.close();
  timers.advance(60_000);
  assert.deepEqual(pc.restartsAt, []);
  assert.deepEqual(states, ['reconnecting']);
  assert.equal(timers.pending.size, 0);
});

test('before the first connection, the state is connecting, not reconnecting', () => {
  const timers = new FakeTimers();
  FakeConnection.timers = timers;
  const states = [];
  new Peer({
    polite: true, initiator: false, configuration: {}, send: () => {}, onTrack: () => {},
    onState: (s) => states.push(s), PeerConnection: FakeConnection, timers,
  });
  const pc = FakeConnection.last;
  pc.become('connecting');
  pc.become('failed');
  assert.deepEqual(pc.restartsAt, [0], 'a first connection that fails is restarted too');
  assert.deepEqual(states, ['connecting', 'connecting']);
});

test('an offer rolled back by the other side\'s (polite yields) is not sent afterwards', async () => {
  const { p, pc, sent } = peer({ polite: true });
  let finish;
  pc.setLocalDescription = () => new Promise((resolve) => { finish = resolve; });
  const offering = p.offer();
  // Before our offer's promise settled, the other side's offer rolled it back and was answered.
  pc.signalingState = 'stable';
  pc.localDescription = { type: 'answer', sdp: 'old' };
  finish();
  await offering;
  assert.deepEqual(sent, [], 'no stale description went out');

  pc.setLocalDescription = async () => {
    pc.signalingState = 'have-local-offer';
    pc.localDescription = { type: 'offer', sdp: 'new' };
  };
  await p.offer();
  assert.deepEqual(sent, [{ description: { type: 'offer', sdp: 'new' } }]);
});

test('the polite side that yielded in a collision puts its tracks on again once it answered', async () => {
  const { p, pc, sent } = peer({ polite: true });
  const calls = [];
  const camera = { kind: 'video' };
  const sender = {
    track: camera,
    async replaceTrack(track) { calls.push(track); this.track = track; },
    setStreams() {},
  };
  p.slots.set('video', { sender, direction: 'sendrecv', mid: '1' });
  p.wanted.set('video', { kind: 'video', track: camera, stream: { id: 's' }, active: true });
  p.announced.set('video', 's');
  pc.signalingState = 'have-local-offer';
  pc.setRemoteDescription = async () => { pc.signalingState = 'have-remote-offer'; };
  pc.setLocalDescription = async () => {
    pc.signalingState = 'stable';
    pc.localDescription = { type: 'answer', sdp: 'a' };
  };
  await p.receive({ description: { type: 'offer', sdp: 'o' } });
  for (let i = 0; i < 5; i++) await Promise.resolve();
  assert.deepEqual(sent, [{ description: { type: 'answer', sdp: 'a' } }]);
  assert.deepEqual(calls, [null, camera], 'off and on again');

  calls.length = 0;
  await p.receive({ description: { type: 'offer', sdp: 'o2' } });
  for (let i = 0; i < 5; i++) await Promise.resolve();
  assert.deepEqual(calls, [], 'an offer without a collision leaves the tracks alone');
});
