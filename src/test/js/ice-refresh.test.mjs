import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isStale, parseIceConfig, refreshDelay, retryDelay, rtcConfiguration,
} from '../../main/webapp/js/call/ice.js';
import { Call, Phase } from '../../main/webapp/js/call/call.js';

// TURN credentials live about ten minutes: a call asks for fresh ones at 80 % of their lifetime and hands them to
// every live connection (setConfiguration) and to the connections it opens later.

const turn = (name) => ({ urls: ['turn:turn.example:3478?transport=udp'], username: `1700000600:${name}`, credential: `c-${name}` });
const body = (name, extra = {}) => ({
  iceServers: [turn(name)], relay: true, maxParticipants: 6, expiresAt: 1_700_000_600, ttl: 600, ...extra,
});

test('the refresh is due at 80 % of the lifetime the server gave, whatever this browser clock says', () => {
  const config = parseIceConfig(body('a'));
  assert.equal(config.ttl, 600);
  assert.equal(refreshDelay(config, 5_000_000_000_000), 480_000, 'a clock years ahead of the server');
  assert.equal(refreshDelay(config, 1_000), 480_000, 'a clock years behind');
  assert.equal(isStale(config, 1_000, 1_000 + 479_999), false);
  assert.equal(isStale(config, 1_000, 1_000 + 480_000), true, 'past its refresh point: ask again before joining');
});

test('without a lifetime the expiry counts; without either nothing is refreshed', () => {
  const noTtl = parseIceConfig(body('a', { ttl: undefined }));
  assert.equal(noTtl.ttl, null);
  assert.equal(refreshDelay(noTtl, 1_700_000_000_000), 480_000);
  const noRelay = parseIceConfig({ iceServers: [], relay: false, maxParticipants: 6 });
  assert.equal(refreshDelay(noRelay, 0), null);
  assert.equal(isStale(noRelay, 0, 10 ** 12), false);
  for (const bad of [0, -5, 1.5, '600', 2 ** 60]) {
    assert.equal(parseIceConfig(body('a', { ttl: bad })).ttl, null, `ttl ${bad} is ignored`);
  }
});

test('absurd lifetimes neither spin nor overflow the timer', () => {
  assert.equal(refreshDelay(parseIceConfig(body('a', { ttl: 1 })), 0), 5_000, 'at least 5 s between requests');
  assert.equal(refreshDelay(parseIceConfig(body('a', { ttl: 10 ** 9 })), 0), 24 * 3600 * 1000, 'at most a day');
  const expired = parseIceConfig(body('a', { ttl: undefined, expiresAt: 1 }));
  assert.equal(refreshDelay(expired, 1_700_000_000_000), 5_000, 'already expired by this clock: soon, not now');
});

test('failed refreshes back off, and a server Retry-After is respected', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 50].map((n) => retryDelay(n)), [5_000, 15_000, 30_000, 60_000, 60_000, 60_000]);
  assert.equal(retryDelay(1, 9), 9_000);
  assert.equal(retryDelay(3, 9), 30_000);
});

// ---- the call ----

class FakeTimers {
  constructor(clock) {
    this.clock = clock;
    this.pending = new Map();
    this.next = 1;
  }

  setTimeout(fn, ms) {
    const id = this.next++;
    this.pending.set(id, { fn, at: this.clock.now + ms });
    return id;
  }

  clearTimeout(id) {
    this.pending.delete(id);
  }

  /** Moves the clock on, running every timer that falls due on the way (bounded). */
  async advance(ms) {
    const until = this.clock.now + ms;
    for (let i = 0; i < 100; i++) {
      const due = [...this.pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.clock.now = due[1].at;
      due[1].fn();
      for (let j = 0; j < 10; j++) await Promise.resolve();
    }
    this.clock.now = until;
  }
}

class FakePeer {
  constructor(options) {
    Object.assign(this, options);
    this.configurations = [options.configuration];
    this.closed = false;
    FakePeer.all.push(this);
  }

  setSending() {}

  async receive() {}

  setConfiguration(configuration) {
    this.configurations.push(configuration);
  }

  close() {
    this.closed = true;
  }
}
FakePeer.all = [];

const fakeMedia = () => ({
  stream: { id: 's' }, screenStream: { id: 'x' }, micOn: true, camOn: true, micTrack: {}, camTrack: {},
  screenTrack: null, canShareScreen: false,
  async start() { return { mic: true, cam: true }; },
  stop() {},
});

const A = 'AAAAAAAAAAAAAAAAAAAAAA';
const B = 'BBBBBBBBBBBBBBBBBBBBBA';
const C = 'CCCCCCCCCCCCCCCCCCCCCA';

function setup(answers) {
  const clock = { now: 1_000_000 };
  const timers = new FakeTimers(clock);
  const asked = [];
  const call = new Call({
    view: { render() {}, reset() {} },
    signals: { context: () => null, nextCounter: () => 1, sendFrame: () => true },
    fetchIce: async () => {
      asked.push(clock.now);
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return parseIceConfig(next);
    },
    nickOf: (id) => id,
    storage: { getItem: () => null, setItem() {}, removeItem() {} },
    PeerImpl: FakePeer,
    media: fakeMedia(),
    timers,
    now: () => clock.now,
  });
  call.channel.send = async () => true;
  return { call, timers, asked, clock };
}

async function inCallWith(call, ids) {
  call.welcomed(A);
  await Promise.resolve();
  await call.join();
  assert.equal(call.phase, Phase.IN);
  for (const id of ids) {
    call.roster.set(id, { gen: `g-${id}`, media: { mic: true, cam: true, screen: false }, screenStream: null });
    call.connect(id, true);
  }
}

const usernames = (configuration) => configuration.iceServers.map((s) => s.username);

test('in a call, fresh credentials come at 80 % of the lifetime and reach live and later connections', async () => {
  FakePeer.all = [];
  const { call, timers, asked, clock } = setup([body('first'), body('second'), body('third')]);
  await inCallWith(call, [B]);
  const start = asked[0];
  assert.equal(asked.length, 1, 'the credentials from entering the room are fresh enough to join with');

  await timers.advance(479_000 - (clock.now - start));
  assert.equal(asked.length, 1, 'nothing before the refresh point');
  await timers.advance(1_000);
  assert.equal(asked.length, 2, 'asked again at 480 s');
  assert.equal(asked[1] - start, 480_000);
  const [toB] = FakePeer.all;
  assert.deepEqual(toB.configurations.map(usernames), [['1700000600:first'], ['1700000600:second']]);
  assert.equal(toB.configurations[1].iceTransportPolicy, 'all');

  call.roster.set(C, { gen: 'g-C', media: { mic: true, cam: true, screen: false }, screenStream: null });
  call.connect(C, true);
  assert.deepEqual(usernames(FakePeer.all[1].configurations[0]), ['1700000600:second'], 'a new peer gets the new ones');

  await timers.advance(480_000);
  assert.equal(asked.length, 3, 'and again one lifetime share later');
  assert.deepEqual(usernames(toB.configurations.at(-1)), ['1700000600:third']);
});

test('a failed refresh keeps the old credentials and tries again, respecting Retry-After', async () => {
  FakePeer.all = [];
  const limited = Object.assign(new Error('rate limited'), { retryAfterSeconds: 20 });
  const { call, timers, asked } = setup([body('first'), limited, new Error('offline'), body('late')]);
  await inCallWith(call, [B]);
  await timers.advance(480_000);
  assert.equal(asked.length, 2);
  const [toB] = FakePeer.all;
  assert.equal(toB.configurations.length, 1, 'nothing applied after a failure');
  assert.equal(call.configuration.iceServers[0].username, '1700000600:first');
  await timers.advance(19_999);
  assert.equal(asked.length, 2, 'the server said 20 s');
  await timers.advance(1);
  assert.equal(asked.length, 3);
  await timers.advance(15_000);
  assert.equal(asked.length, 4, 'the second failure waits 15 s');
  assert.deepEqual(usernames(toB.configurations.at(-1)), ['1700000600:late']);
});

test('leaving the call stops the refresh; joining later asks for fresh credentials if these are due', async () => {
  FakePeer.all = [];
  const { call, timers, asked } = setup([body('first'), body('second'), body('third')]);
  await inCallWith(call, [B]);
  await call.leave();
  await timers.advance(3_600_000);
  assert.equal(asked.length, 1, 'no refresh outside a call');
  assert.equal(timers.pending.size, 0);
  await call.join();
  assert.equal(asked.length, 2, 'stale credentials are replaced before joining');
  assert.equal(usernames(rtcConfiguration(call.ice, false))[0], '1700000600:second');
  call.end();
  assert.equal(timers.pending.size, 0, 'the room is gone: no timer left');
});

test('without a relay there is nothing to refresh', async () => {
  FakePeer.all = [];
  const { call, timers, asked } = setup([{ iceServers: [], relay: false, maxParticipants: 6 }]);
  await inCallWith(call, [B]);
  assert.equal(timers.pending.size, 0);
  await timers.advance(3_600_000);
  assert.equal(asked.length, 1);
});

test('a configuration without lifetime fields (or with broken ones) schedules nothing', () => {
  for (const config of [{ iceServers: [], relay: true }, { expiresAt: null }, { ttl: undefined, expiresAt: undefined },
    { ttl: Number.NaN }, { expiresAt: 12, ttl: 'x' }]) {
    const delay = refreshDelay(config, Number.NaN);
    assert.ok(delay === null || delay >= 5_000, `${JSON.stringify(config)}: ${delay}`);
  }
  assert.equal(refreshDelay({ iceServers: [], relay: true, expiresAt: null }, 0), null);
});
