import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ASK_MS, createTabSessions } from '../../main/webapp/js/tab-sessions.js';

/** BroadcastChannel as browsers have it: a message reaches every other channel of that name, never the sender. */
function channels() {
  const all = [];
  return class FakeChannel {
    constructor() { all.push(this); this.onmessage = null; }
    postMessage(data) {
      for (const c of all) if (c !== this && c.onmessage) c.onmessage({ data: structuredClone(data) });
    }
  };
}

function clock() {
  let now = 0;
  const pending = new Map();
  let next = 1;
  return {
    setTimeout(fn, ms) { pending.set(next, { fn, at: now + ms }); return next++; },
    clearTimeout(id) { pending.delete(id); },
    advance(ms) {
      now += ms;
      for (const [id, t] of [...pending]) if (t.at <= now) { pending.delete(id); t.fn(); }
    },
  };
}

test('a duplicated tab that asks for a session in use elsewhere is told so; a lone tab keeps it', () => {
  const Channel = channels();
  const timers = clock();
  const original = createTabSessions({ Channel, timers });
  const duplicate = createTabSessions({ Channel, timers });
  original.hold('S1');
  let taken = 0;
  duplicate.ask('S1', () => { taken += 1; });
  assert.equal(taken, 1);

  let takenLone = 0;
  const releaseLone = duplicate.ask('S2', () => { takenLone += 1; });
  timers.advance(ASK_MS);
  assert.equal(takenLone, 0);
  let askedAfter = 0;
  original.ask('S2', () => { askedAfter += 1; });
  assert.equal(askedAfter, 1, 'after the wait the asking tab answers for the session itself');
  releaseLone();
  let askedReleased = 0;
  original.ask('S2', () => { askedReleased += 1; });
  assert.equal(askedReleased, 0, 'a released session is nobody\'s');
});

test('without BroadcastChannel nothing is asked', () => {
  const tabs = createTabSessions({ Channel: null });
  tabs.hold('S')();
  tabs.ask('S', () => assert.fail('no other tab can answer'))();
});

test('a tab asks the others whether a session is in use before its keys are swept', async () => {
  const Channel = channels();
  const timers = clock();
  const first = createTabSessions({ Channel, timers });
  const second = createTabSessions({ Channel, timers });
  first.hold('S1');
  assert.equal(await first.isHeld('S1'), true, 'its own session, without asking');
  assert.equal(await second.isHeld('S1'), true, 'the other tab answers at once');
  const unused = second.isHeld('S2');
  timers.advance(ASK_MS);
  assert.equal(await unused, false, 'nobody answers for a session no tab uses');
});
