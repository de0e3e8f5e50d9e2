import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveRoomId, deriveRoomKey } from '../../main/webapp/js/crypto.js';
import { SignalChannel } from '../../main/webapp/js/call/channel.js';
import { Kind, newGen, sealSignal } from '../../main/webapp/js/call/signaling.js';
import { EpochKeys } from '../../main/webapp/js/trust/epochs.js';
import { createMemberKeys } from '../../main/webapp/js/trust/member-keys.js';

const CODE = Uint8Array.from({ length: 16 }, (_, i) => i);
const ALICE = 'AAECAwQFBgcICQoLDA0ODw';
const BOB = 'EBESExQVFhcYGRobHB0eHw';
const roomId = await deriveRoomId(CODE);
const key = await deriveRoomKey(CODE);
const keyring = new EpochKeys(key);
const memberKeys = { [ALICE]: await createMemberKeys(), [BOB]: await createMemberKeys() };
const keysOf = (id) => memberKeys[id]?.publicKeys ?? null;
const sealCtx = (from, counter) => ({
  roomId, sessionId: from, counter, epoch: 0, key, signKey: memberKeys[from].sign.privateKey,
});

function fakeTimers() {
  const pending = [];
  return {
    pending,
    setTimeout(fn, ms) {
      pending.push({ fn, ms });
      return pending.length;
    },
    clearTimeout() {},
    runAll() {
      for (const { fn } of pending.splice(0)) fn();
    },
  };
}

// Waits for a condition, letting queued callbacks run between checks; fails after a bounded time.
async function until(condition, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => { setImmediate(resolve); });
  }
}

function channel(selfId, overrides = {}) {
  const sent = [];
  const received = [];
  let counter = 0;
  const timers = fakeTimers();
  const ch = new SignalChannel({
    context: () => ({
      keyring, roomId, selfId, signKey: memberKeys[selfId].sign.privateKey, keysOf,
    }),
    nextCounter: () => { counter += 1; return counter; },
    sendFrame: (frame) => { sent.push(frame); return true; },
    onMessage: (from, payload) => { received.push({ from, payload }); },
    timers,
    ...overrides,
  });
  return { ch, sent, received, timers };
}

test('signals go out in order under fresh counters and open on the other side in order', async () => {
  const alice = channel(ALICE);
  const bob = channel(BOB);
  const gens = [newGen(), newGen(), newGen()];
  await Promise.all(gens.map((gen) => alice.ch.send(BOB, { k: Kind.LEAVE, gen })));
  assert.deepEqual(alice.sent.map((f) => f.c), [1, 2, 3]);
  for (const frame of alice.sent) bob.ch.receive({ ...frame, from: ALICE });
  await bob.ch.receive({ ...alice.sent[0], from: ALICE });
  assert.deepEqual(bob.received.map((r) => r.payload.gen), gens);
});

test('a replayed (sender, counter) is dropped, and garbage does not burn a counter', async () => {
  const alice = channel(ALICE);
  const bob = channel(BOB);
  await alice.ch.send(BOB, { k: Kind.HELLO });
  const frame = { ...alice.sent[0], from: ALICE };
  await bob.ch.receive({ ...frame, ct: frame.ct.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A')) });
  assert.equal(bob.received.length, 0, 'a forged envelope is dropped');
  await bob.ch.receive(frame);
  await bob.ch.receive(frame);
  assert.equal(bob.received.length, 1, 'the genuine one opens once');
});

test('signals addressed to someone else, or with payloads of a wrong shape, are dropped', async () => {
  const bob = channel(BOB);
  const wrongShape = await sealSignal(sealCtx(ALICE, 4), BOB, { k: 'join', gen: 1 });
  await bob.ch.receive({ ...wrongShape, from: ALICE });
  const CAROL = 'ICEiIyQlJicoKSorLC0uLw';
  const toCarol = await sealSignal(sealCtx(ALICE, 5), CAROL, { k: 'hello' });
  await bob.ch.receive({ ...toCarol, from: ALICE });
  assert.equal(bob.received.length, 0);
});

test('signals from a member whose keys are unknown, or signed with other keys, are dropped', async () => {
  const bob = channel(BOB);
  const unknown = channel(BOB, { context: () => ({ keyring, roomId, selfId: BOB, keysOf: () => null }) });
  const hello = { ...await sealSignal(sealCtx(ALICE, 6), BOB, { k: Kind.HELLO }), from: ALICE };
  await unknown.ch.receive(hello);
  assert.equal(unknown.received.length, 0, 'keys unknown');
  const forged = { ...await sealSignal({ ...sealCtx(ALICE, 7), signKey: memberKeys[BOB].sign.privateKey }, BOB,
    { k: Kind.HELLO }), from: ALICE };
  await bob.ch.receive(forged);
  assert.equal(bob.received.length, 0, 'signed by someone else');
  await bob.ch.receive(hello);
  assert.equal(bob.received.length, 1, 'the genuine one opens');
});

test('signals are sealed under the room\'s newest epoch key', async () => {
  const ring = new EpochKeys(key);
  await ring.add(1, new Uint8Array(32).fill(9));
  const context = (selfId) => () => ({
    keyring: ring, roomId, selfId, signKey: memberKeys[selfId].sign.privateKey, keysOf,
  });
  const alice = channel(ALICE, { context: context(ALICE) });
  const bob = channel(BOB, { context: context(BOB) });
  const stale = channel(BOB);
  await alice.ch.send(BOB, { k: Kind.HELLO });
  await bob.ch.receive({ ...alice.sent[0], from: ALICE });
  await stale.ch.receive({ ...alice.sent[0], from: ALICE });
  assert.equal(bob.received.length, 1);
  assert.equal(stale.received.length, 0, 'a keyring without epoch 1 cannot open it');
});

test('a rate-limited signal is sent again as is after the wait; not_in_room is reported', async () => {
  const unreachable = [];
  const alice = channel(ALICE, { onUnreachable: (id) => unreachable.push(id) });
  await alice.ch.send(BOB, { k: Kind.HELLO });
  await alice.ch.send(BOB, { k: Kind.HELLO });
  assert.equal(alice.ch.refused({ code: 'rate_limited', message: '', c: 1, retryAfterMs: 1000 }), true);
  assert.equal(alice.timers.pending[0].ms, 1000);
  alice.timers.runAll();
  await alice.ch.outgoing;
  assert.deepEqual(alice.sent.map((f) => f.c), [1, 2, 1]);
  assert.deepEqual(alice.sent[2], alice.sent[0], 'the very same frame');
  assert.equal(alice.ch.refused({ code: 'not_in_room', message: '', c: 2 }), true);
  assert.deepEqual(unreachable, [BOB]);
  assert.equal(alice.ch.refused({ code: 'not_in_room', message: '', c: 2 }), false, 'already settled');
  assert.equal(alice.ch.refused({ code: 'too_large', message: '', c: 99 }), false, 'not a signal of ours');
  assert.equal(alice.ch.refused({ code: 'bad_frame', message: '' }), false, 'no counter');
});

test('a payload too large to seal is reported and nothing is sent', async () => {
  const tooLarge = [];
  const alice = channel(ALICE, { onTooLarge: (e) => tooLarge.push(e) });
  const ok = await alice.ch.send(BOB, {
    k: Kind.SDP, gen: 'AAAAAAAAAAA', toGen: 'AAAAAAAAAAA', description: { type: 'offer', sdp: 'x'.repeat(17000) },
  });
  assert.equal(ok, false);
  assert.equal(alice.sent.length, 0);
  assert.equal(tooLarge.length, 1);
  assert.equal(await alice.ch.send(BOB, { k: Kind.HELLO }), true, 'the channel keeps working');
});

test('sending is paced below the relay limit: a burst beyond 80 waits for the budget', async () => {
  let now = 0;
  const alice = channel(ALICE, { now: () => now });
  const sends = [];
  for (let i = 0; i < 81; i += 1) sends.push(alice.ch.send(BOB, { k: Kind.HELLO }));
  await Promise.all(sends.slice(0, 80));
  await until(() => alice.timers.pending.length === 1, 'the 81st signal to wait for the budget');
  assert.equal(alice.sent.length, 80);
  assert.equal(alice.timers.pending.length, 1);
  now += 40;
  alice.timers.runAll();
  await Promise.all(sends);
  assert.equal(alice.sent.length, 81);
});
