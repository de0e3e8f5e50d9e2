import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveRoomId, deriveRoomKey } from '../../main/webapp/js/crypto.js';
import { Call } from '../../main/webapp/js/call/call.js';
import { EpochKeys } from '../../main/webapp/js/trust/epochs.js';
import { createMemberKeys } from '../../main/webapp/js/trust/member-keys.js';

// Calls wired to each other through an in-memory relay, with fake peers, media and views: the call presence
// protocol (hello / join / here / state / leave) and the choice of who offers, without a browser.

const CODE = Uint8Array.from({ length: 16 }, (_, i) => i);
const roomId = await deriveRoomId(CODE);
const keyring = new EpochKeys(await deriveRoomKey(CODE));
const ICE = { iceServers: [], relay: true, maxParticipants: 6, expiresAt: null };

class FakePeer {
  constructor(options) {
    Object.assign(this, options);
    this.sending = new Map();
    this.received = [];
    this.closed = false;
    FakePeer.all.push(this);
  }

  setSending(slot, want) {
    this.sending.set(slot, want);
  }

  async receive(message) {
    this.received.push(message);
  }

  close() {
    this.closed = true;
  }
}
FakePeer.all = [];

function fakeMedia() {
  return {
    stream: { id: 'camera-stream' },
    screenStream: { id: 'screen-stream' },
    micOn: false,
    camOn: false,
    micTrack: null,
    camTrack: null,
    screenTrack: null,
    canShareScreen: true,
    async start() {
      this.micOn = true;
      this.camOn = true;
      this.micTrack = { kind: 'audio' };
      this.camTrack = { kind: 'video' };
      return { mic: true, cam: true };
    },
    setMic(on) {
      this.micOn = on;
      return on;
    },
    stop() {
      this.micOn = false;
      this.camOn = false;
    },
  };
}

async function room(ids, ice = ICE) {
  const members = new Map();
  const frames = [];
  const memberKeys = new Map();
  for (const id of ids) memberKeys.set(id, await createMemberKeys());
  const keysOf = (sid) => memberKeys.get(sid)?.publicKeys ?? null;
  for (const id of ids) {
    let counter = 0;
    const view = { model: null, render(m) { this.model = m; }, reset() { this.model = null; } };
    const call = new Call({
      view,
      signals: {
        context: () => ({
          keyring, roomId, selfId: id, signKey: memberKeys.get(id).sign.privateKey, keysOf,
        }),
        nextCounter: () => { counter += 1; return counter; },
        sendFrame: (frame) => {
          frames.push({ ...frame, from: id });
          queueMicrotask(() => members.get(frame.to)?.call.receive({ ...frame, from: id }));
          return true;
        },
      },
      fetchIce: async () => ice,
      nickOf: (sid) => `nick-${sid.slice(0, 3)}`,
      storage: { getItem: () => null, setItem() {}, removeItem() {} },
      PeerImpl: FakePeer,
      media: fakeMedia(),
    });
    members.set(id, { call, view });
  }
  return { members, frames, get: (id) => members.get(id) };
}

// Waits until the room is quiet: no member's signal channel has anything left to seal, send or open, and no
// frame is on its way through the in-memory relay. Fails after a bounded time instead of guessing a delay.
async function settle(r, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  const chains = () => [...r.members.values()].flatMap(({ call }) => [call.channel.outgoing, call.channel.incoming]);
  for (;;) {
    const before = chains();
    const frames = r.frames.length;
    await Promise.all(before);
    await new Promise((resolve) => { setImmediate(resolve); });
    const after = chains();
    if (r.frames.length === frames && after.every((p, i) => p === before[i])) return;
    if (Date.now() > deadline) throw new Error('the calls did not settle');
  }
}

const A = 'AAAAAAAAAAAAAAAAAAAAAA';
const B = 'BBBBBBBBBBBBBBBBBBBBBA';
const C = 'CCCCCCCCCCCCCCCCCCCCCA';

async function connectAll(r, ids) {
  for (const id of ids) r.get(id).call.welcomed(id);
  await settle(r);
  for (const id of ids) r.get(id).call.setOnline(ids);
  await settle(r);
}

test('joining announces the call; the others see who is in it; the next joiner offers', async () => {
  FakePeer.all = [];
  const r = await room([A, B]);
  await connectAll(r, [A, B]);
  assert.equal(r.get(B).view.model.others.length, 0);
  await r.get(A).call.join();
  await settle(r);
  assert.deepEqual(r.get(B).view.model.others, [`nick-${A.slice(0, 3)}`], 'B sees the call in progress');
  assert.equal(FakePeer.all.length, 0, 'nobody connects to someone who is not in the call');

  await r.get(B).call.join();
  await settle(r);
  assert.equal(FakePeer.all.length, 1, 'B opened one connection, to A');
  const [atB] = FakePeer.all;
  assert.equal(atB.initiator, true);
  assert.equal(atB.polite, false, 'B has the larger session ID, so it is the impolite side');
  assert.deepEqual([...atB.sending.keys()], ['audio', 'video', 'screen', 'screen-audio']);
  assert.equal(atB.sending.get('screen-audio').active, false, 'no screen audio is shared');
  assert.equal(atB.sending.get('screen').active, false, 'no screen is shared');

  atB.send({ description: { type: 'offer', sdp: 'v=0\r\n' } });
  await settle(r);
  assert.equal(FakePeer.all.length, 2, 'A answers on a connection of its own');
  const atA = FakePeer.all[1];
  assert.equal(atA.initiator, false);
  assert.deepEqual(atA.received, [{ description: { type: 'offer', sdp: 'v=0\r\n' } }]);
  assert.equal(r.get(A).view.model.tiles.length, 1);
  assert.equal(r.get(A).view.model.tiles[0].id, B);
});

test('leaving, going offline and leaving the room take a member out of the call', async () => {
  FakePeer.all = [];
  const r = await room([A, B, C]);
  await connectAll(r, [A, B, C]);
  await r.get(A).call.join();
  await settle(r);
  await r.get(B).call.join();
  await settle(r);
  await r.get(C).call.join();
  await settle(r);
  assert.deepEqual(new Set(r.get(A).view.model.tiles.map((t) => t.id)), new Set([B, C]));
  assert.equal(FakePeer.all.length, 3, 'B offers to A; C offers to A and B');

  await r.get(C).call.leave();
  await settle(r);
  assert.deepEqual(r.get(A).view.model.tiles.map((t) => t.id), [B]);
  assert.deepEqual(r.get(B).view.model.tiles.map((t) => t.id), [A]);
  assert.ok(FakePeer.all.filter((p) => p.closed).length >= 2, "C's connections are closed");
  assert.equal(r.get(C).view.model.phase, 'idle');

  r.get(A).call.setOnline([A, C]);
  assert.deepEqual(r.get(A).view.model.tiles, [], 'B went offline');
  r.get(A).call.memberLeft(C);
  assert.deepEqual(r.get(A).view.model.others, []);
});

test('a newcomer says hello and learns of the running call without connecting', async () => {
  FakePeer.all = [];
  const r = await room([A, B, C]);
  await connectAll(r, [A, B]);
  await r.get(A).call.join();
  await settle(r);
  r.get(C).call.welcomed(C);
  await settle(r);
  for (const id of [A, B, C]) r.get(id).call.setOnline([A, B, C]);
  await settle(r);
  assert.deepEqual(r.get(C).view.model.others, [`nick-${A.slice(0, 3)}`]);
  assert.equal(FakePeer.all.length, 0);
  const hellos = r.frames.filter((f) => f.from === C);
  assert.equal(hellos.length, 2, 'one hello to each member online');
});

test('a full call cannot be joined; hiding the IP address without a relay blocks joining', async () => {
  FakePeer.all = [];
  const full = await room([A, B, C], { ...ICE, maxParticipants: 2 });
  await connectAll(full, [A, B, C]);
  await full.get(A).call.join();
  await settle(full);
  await full.get(B).call.join();
  await settle(full);
  assert.equal(full.get(C).view.model.full, true);
  await full.get(C).call.join();
  assert.equal(full.get(C).view.model.phase, 'idle');

  const noRelay = await room([A], { ...ICE, relay: false });
  await connectAll(noRelay, [A]);
  noRelay.get(A).call.setHideIp(true);
  await noRelay.get(A).call.join();
  assert.equal(noRelay.get(A).view.model.phase, 'idle');
  noRelay.get(A).call.setHideIp(false);
  await noRelay.get(A).call.join();
  assert.equal(noRelay.get(A).view.model.phase, 'in');
});

test('connection messages meant for an earlier stay are ignored', async () => {
  FakePeer.all = [];
  const r = await room([A, B]);
  await connectAll(r, [A, B]);
  await r.get(A).call.join();
  await settle(r);
  await r.get(B).call.join();
  await settle(r);
  const [atB] = FakePeer.all;
  await r.get(A).call.leave();
  await r.get(A).call.join();
  await settle(r);
  atB.send({ candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5 typ host', sdpMid: '0', sdpMLineIndex: 0 } });
  await settle(r);
  assert.equal(FakePeer.all.filter((p) => !p.initiator).length, 0, 'A opened nothing for the old stay');
});

test('muting tells the call members and puts no track on the connection', async () => {
  FakePeer.all = [];
  const r = await room([A, B]);
  await connectAll(r, [A, B]);
  await r.get(A).call.join();
  await settle(r);
  await r.get(B).call.join();
  await settle(r);
  const [atB] = FakePeer.all;
  r.get(B).call.toggleMic();
  await settle(r);
  assert.equal(atB.sending.get('audio').track, null);
  assert.equal(r.get(A).view.model.tiles[0].media.mic, false);
});

test('a screen shared with its audio sends it on a slot of its own; another microphone replaces the track', async () => {
  FakePeer.all = [];
  const r = await room([A, B]);
  await connectAll(r, [A, B]);
  await r.get(A).call.join();
  await settle(r);
  await r.get(B).call.join();
  await settle(r);
  const [atB] = FakePeer.all;
  const { call } = r.get(B);
  Object.assign(call.media, { screenTrack: { kind: 'video' }, screenAudioTrack: { kind: 'audio' } });
  call.sendMedia();
  assert.deepEqual(atB.sending.get('screen-audio'), {
    kind: 'audio', track: call.media.screenAudioTrack, stream: call.media.screenStream, active: true,
  });
  assert.equal(atB.sending.get('screen').active, true);

  call.media.useMic = async function useMic(id) {
    this.micTrack = { kind: 'audio', id };
    return true;
  };
  await call.chooseDevice('audio', 'second-mic');
  assert.equal(atB.sending.get('audio').track.id, 'second-mic', 'the connection sends the new track');
  assert.equal(FakePeer.all.length, 1, 'on the same connection');
});
