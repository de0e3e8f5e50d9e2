import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LIMITS, Path, Quality, assess, lossBetween, quality, sample,
} from '../../main/webapp/js/call/link-quality.js';
import { LinkMonitor } from '../../main/webapp/js/call/link-monitor.js';

// Hand-made getStats() reports, shaped like Chromium's: a transport naming the selected candidate pair, the pair
// with its round trip, the two candidates, and inbound RTP streams with their packet counters.

function report({
  local = 'host', remote = 'host', rtt = 0.02, inbound = [[0, 0]], pairKey = 'transport',
}) {
  const stats = [
    { id: 'L1', type: 'local-candidate', candidateType: local },
    { id: 'R1', type: 'remote-candidate', candidateType: remote },
    { id: 'L0', type: 'local-candidate', candidateType: 'host' },
    { id: 'R0', type: 'remote-candidate', candidateType: 'host' },
    { id: 'P0', type: 'candidate-pair', localCandidateId: 'L0', remoteCandidateId: 'R0', state: 'failed' },
    {
      id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', state: 'succeeded',
      nominated: true, currentRoundTripTime: rtt, ...(pairKey === 'selected' ? { selected: true } : {}),
    },
    ...inbound.map(([lost, received], i) => ({
      id: `IN${i}`, type: 'inbound-rtp', kind: i ? 'video' : 'audio', packetsLost: lost, packetsReceived: received,
    })),
  ];
  if (pairKey === 'transport') stats.push({ id: 'T', type: 'transport', selectedCandidatePairId: 'P1' });
  return new Map(stats.map((s) => [s.id, s]));
}

test('the selected pair tells direct from relayed, on either side', () => {
  assert.equal(sample(report({})).path, Path.DIRECT);
  assert.equal(sample(report({ local: 'srflx', remote: 'prflx' })).path, Path.DIRECT);
  assert.equal(sample(report({ local: 'relay', remote: 'relay' })).path, Path.RELAY);
  assert.equal(sample(report({ local: 'host', remote: 'relay' })).path, Path.RELAY, 'the other side hides its IP');
  assert.equal(sample(report({ local: 'relay', pairKey: 'selected' })).path, Path.RELAY, 'Firefox marks the pair');
  assert.equal(sample(report({ local: 'relay', pairKey: 'nominated' })).path, Path.RELAY);
  assert.deepEqual(sample(new Map()), { path: null, rttMs: null, lost: 0, received: 0 }, 'not connected yet');
});

test('round trip in milliseconds and packet counters summed over the inbound streams', () => {
  const s = sample(report({ rtt: 0.125, inbound: [[3, 100], [7, 900]] }));
  assert.equal(s.rttMs, 125);
  assert.equal(s.lost, 10);
  assert.equal(s.received, 1000);
});

test('loss is measured between two looks, and only from enough packets', () => {
  const before = { lost: 10, received: 1000 };
  assert.equal(lossBetween(before, { lost: 15, received: 1095 }), 0.05);
  assert.equal(lossBetween(null, { lost: 15, received: 1095 }), null, 'no earlier look');
  assert.equal(lossBetween(before, { lost: 10, received: 1000 + LIMITS.minPackets - 1 }), null, 'media off');
  assert.equal(lossBetween(before, { lost: 0, received: 50 }), null, 'counters started again');
});

test('quality marks: good, fair and poor from round trip and loss', () => {
  assert.equal(quality(40, 0), Quality.GOOD);
  assert.equal(quality(40, null), Quality.GOOD, 'no media flowing: judged by the round trip');
  assert.equal(quality(null, 0.01), Quality.GOOD);
  assert.equal(quality(LIMITS.goodRttMs, 0), Quality.FAIR);
  assert.equal(quality(40, LIMITS.goodLoss), Quality.FAIR);
  assert.equal(quality(450, 0.05), Quality.FAIR);
  assert.equal(quality(LIMITS.poorRttMs, 0), Quality.POOR);
  assert.equal(quality(40, LIMITS.poorLoss), Quality.POOR);
  assert.equal(quality(null, null), null);
});

test('a link is assessed from two consecutive samples', () => {
  const first = sample(report({ local: 'relay', rtt: 0.03, inbound: [[0, 100]] }));
  assert.deepEqual(assess(null, first), { path: Path.RELAY, quality: Quality.GOOD });
  const lossy = sample(report({ local: 'relay', rtt: 0.03, inbound: [[30, 200]] }));
  assert.deepEqual(assess(first, lossy), { path: Path.RELAY, quality: Quality.POOR }, '30 of 130 lost');
});

test('the monitor looks at connected peers every interval and tells when a tile changes', async () => {
  const pending = [];
  const timers = {
    setTimeout: (fn) => { pending.push(fn); return pending.length; },
    clearTimeout: () => { pending.length = 0; },
  };
  let current = report({ rtt: 0.02, inbound: [[0, 100]] });
  const connected = { state: 'connected', peer: { closed: false, pc: { getStats: async () => current } } };
  const connecting = { state: 'connecting', peer: { closed: false, pc: { getStats: async () => assert.fail() } } };
  let changes = 0;
  const monitor = new LinkMonitor({ entries: () => [connected, connecting], onChange: () => { changes += 1; }, timers });
  assert.equal(monitor.linkOf(connected), null);
  monitor.start();
  monitor.start();
  assert.equal(pending.length, 1, 'one look at a time');
  await pending.shift()();
  assert.deepEqual(monitor.linkOf(connected), { path: Path.DIRECT, quality: Quality.GOOD });
  assert.equal(monitor.linkOf(connecting), null);
  assert.equal(changes, 1);
  assert.equal(pending.length, 1, 'the next look is scheduled');
  await pending.shift()();
  assert.equal(changes, 1, 'nothing changed, nothing to render');
  current = report({ rtt: 0.9, inbound: [[0, 200]] });
  await pending.shift()();
  assert.deepEqual(monitor.linkOf(connected), { path: Path.DIRECT, quality: Quality.POOR });
  assert.equal(changes, 2);
  monitor.stop();
  assert.equal(pending.length, 0, 'out of the call: no more looks');
});
