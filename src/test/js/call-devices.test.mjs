import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeviceChoice, audioConstraints, captureAttempts, deviceOptions, selectedId, videoConstraints,
} from '../../main/webapp/js/call/devices.js';
import { heldLevel, levelOf } from '../../main/webapp/js/call/check.js';
import { LocalMedia } from '../../main/webapp/js/call/media.js';

// Device choice, constraints, the check's level meter and the local media's device and screen-audio handling,
// with hand-made device lists and fake tracks (Node has no media devices).

const BEFORE_PERMISSION = [
  { kind: 'audioinput', deviceId: '', label: '' },
  { kind: 'videoinput', deviceId: '', label: '' },
];
const AFTER_PERMISSION = [
  { kind: 'audioinput', deviceId: 'default', label: 'Default - Headset' },
  { kind: 'audioinput', deviceId: 'communications', label: 'Communications - Headset' },
  { kind: 'audioinput', deviceId: 'm1', label: 'Headset' },
  { kind: 'audioinput', deviceId: 'm2', label: '' },
  { kind: 'audiooutput', deviceId: 'o1', label: 'Speakers' },
  { kind: 'videoinput', deviceId: 'c1', label: 'Front camera' },
];

function memoryStorage() {
  const items = new Map();
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => items.set(k, String(v)),
    removeItem: (k) => items.delete(k),
  };
}

test('devices are listed by kind, without the browser\'s aliases and without unnamed placeholders', () => {
  assert.deepEqual(deviceOptions(BEFORE_PERMISSION, 'audioinput'), []);
  assert.deepEqual(deviceOptions(AFTER_PERMISSION, 'audioinput'), [
    { id: 'm1', label: 'Headset' }, { id: 'm2', label: '' },
  ]);
  assert.deepEqual(deviceOptions(AFTER_PERMISSION, 'videoinput'), [{ id: 'c1', label: 'Front camera' }]);
});

test('a kept device is used while listed (or while nothing can be listed yet), else the default one', () => {
  const mics = deviceOptions(AFTER_PERMISSION, 'audioinput');
  assert.equal(selectedId(mics, 'm2'), 'm2');
  assert.equal(selectedId(mics, 'unplugged'), '');
  assert.equal(selectedId([], 'm2'), 'm2', 'before permission the browser cannot tell');
  assert.equal(selectedId(mics, ''), '');
});

test('constraints ask for the chosen device; voice only never asks for a camera', () => {
  const base = { width: { ideal: 640 } };
  assert.equal(audioConstraints(''), true);
  assert.deepEqual(audioConstraints('m1'), { deviceId: 'm1' }, 'preferred, falls back when gone');
  assert.deepEqual(audioConstraints('m1', true), { deviceId: { exact: 'm1' } });
  assert.equal(videoConstraints(base, ''), base);
  assert.deepEqual(videoConstraints(base, 'c1', true), { width: { ideal: 640 }, deviceId: { exact: 'c1' } });
  assert.deepEqual(captureAttempts({ micId: 'm1', camId: '', camera: true }, base), [
    { audio: { deviceId: 'm1' }, video: base }, { audio: { deviceId: 'm1' } }, { video: base },
  ]);
  assert.deepEqual(captureAttempts({ micId: '', camId: 'c1', camera: false }, base), [{ audio: true }]);
});

test('the choice and "join without camera" are remembered; the lists follow plugged devices', async () => {
  const storage = memoryStorage();
  const listeners = new Map();
  let infos = BEFORE_PERMISSION;
  const devices = {
    enumerateDevices: async () => infos,
    addEventListener: (type, fn) => listeners.set(type, fn),
    removeEventListener: (type) => listeners.delete(type),
  };
  let changes = 0;
  const choice = new DeviceChoice({ storage, devices: () => devices, onChange: () => { changes += 1; } });
  assert.deepEqual(choice.choice, { micId: '', camId: '', camera: true });
  choice.choose('audio', 'm2');
  choice.setVoiceOnly(true);
  assert.deepEqual([...storage.items.keys()].sort(), ['sotto.call.mic', 'sotto.call.voice-only']);

  const again = new DeviceChoice({ storage, devices: () => devices, onChange: () => { changes += 1; } });
  assert.deepEqual(again.choice, { micId: 'm2', camId: '', camera: false }, 'a new page keeps the choice');
  infos = AFTER_PERMISSION;
  await listeners.get('devicechange')();
  assert.equal(again.mics.length, 2);
  infos = AFTER_PERMISSION.filter((d) => d.deviceId !== 'm2');
  await listeners.get('devicechange')();
  assert.equal(again.micId, '', 'the unplugged microphone gives way to the default one');
  assert.ok(changes >= 2);
  again.choose('audio', '');
  again.setVoiceOnly(false);
  assert.deepEqual([...storage.items.keys()], [], 'defaults are not stored');
  again.dispose();
  assert.equal(listeners.has('devicechange'), false);
});

test('the level meter reads silence as 0, full scale as 1, and holds short sounds', () => {
  assert.equal(levelOf(new Uint8Array(256).fill(128)), 0);
  assert.equal(levelOf(new Uint8Array(0)), 0);
  const full = Uint8Array.from({ length: 256 }, (_, i) => (i % 2 ? 0 : 255));
  assert.ok(levelOf(full) > 0.99);
  const quiet = Uint8Array.from({ length: 256 }, (_, i) => (i % 2 ? 127 : 129)); // about -42 dBFS
  assert.ok(levelOf(quiet) > 0.2 && levelOf(quiet) < 0.4, String(levelOf(quiet)));
  assert.equal(heldLevel(0.2, 0.6), 0.6);
  assert.ok(Math.abs(heldLevel(0.6, 0) - 0.48) < 1e-9, 'falls slowly');
  assert.equal(heldLevel(0.6, 0.55), 0.55);
});

// ---- local media, with fake streams and tracks ----

class FakeTrack {
  constructor(kind, label) {
    Object.assign(this, { kind, label, enabled: true, readyState: 'live' });
    this.listeners = [];
  }

  stop() {
    this.readyState = 'ended';
  }

  addEventListener(type, fn) {
    this.listeners.push(fn);
  }
}

class FakeStream {
  constructor(tracks = []) {
    this.tracks = [...tracks];
  }

  getTracks() { return [...this.tracks]; }

  getAudioTracks() { return this.tracks.filter((t) => t.kind === 'audio'); }

  getVideoTracks() { return this.tracks.filter((t) => t.kind === 'video'); }

  addTrack(t) { this.tracks.push(t); }

  removeTrack(t) { this.tracks = this.tracks.filter((x) => x !== t); }
}

// Each test file runs in a process of its own: Node has no MediaStream, LocalMedia gets this one.
globalThis.MediaStream = FakeStream;

function fakeDevices({ displayAudio = true } = {}) {
  const asked = [];
  return {
    asked,
    async getUserMedia(constraints) {
      asked.push(constraints);
      const tracks = [];
      if (constraints.audio) tracks.push(new FakeTrack('audio', JSON.stringify(constraints.audio)));
      if (constraints.video) tracks.push(new FakeTrack('video', JSON.stringify(constraints.video.deviceId ?? '')));
      return new FakeStream(tracks);
    },
    async getDisplayMedia(constraints) {
      asked.push(constraints);
      const tracks = [new FakeTrack('video', 'screen')];
      if (displayAudio && constraints.audio) tracks.push(new FakeTrack('audio', 'tab audio'));
      return new FakeStream(tracks);
    },
  };
}

test('joining without a camera opens the microphone only', async () => {
  const devices = fakeDevices();
  const media = new LocalMedia({ devices: () => devices });
  assert.deepEqual(await media.start({ micId: 'm1', camId: 'c1', camera: false }), { mic: true, cam: false });
  assert.deepEqual(devices.asked, [{ audio: { deviceId: 'm1' } }]);
  assert.equal(media.camTrack, null);
});

test('another microphone replaces the track in the same stream, keeps it muted, and stops the old one', async () => {
  const devices = fakeDevices();
  const media = new LocalMedia({ devices: () => devices });
  await media.start({ micId: '', camId: '', camera: true });
  const { stream } = media;
  const old = media.micTrack;
  media.setMic(false);
  assert.equal(await media.useMic('m2'), true);
  assert.equal(media.stream, stream, 'the stream (and so its ID) stays');
  assert.notEqual(media.micTrack, old);
  assert.equal(old.readyState, 'ended');
  assert.equal(media.micTrack.enabled, false, 'still muted');
  assert.deepEqual(devices.asked.at(-1), { audio: { deviceId: { exact: 'm2' } } });

  const camera = media.camTrack;
  assert.equal(await media.useCamera('c2'), true);
  assert.equal(camera.readyState, 'ended');
  assert.equal(media.stream.getVideoTracks().length, 1);
  await media.setCamera(false);
  const asked = devices.asked.length;
  assert.equal(await media.useCamera('c3'), true, 'camera off: remembered for later');
  assert.equal(devices.asked.length, asked, 'nothing opened while the camera is off');
  await media.setCamera(true);
  assert.equal(devices.asked.at(-1).video.deviceId, 'c3');
});

test('a shared screen keeps its audio when the browser offers it, and stopping ends both', async () => {
  const devices = fakeDevices();
  const media = new LocalMedia({ devices: () => devices });
  await media.start({ micId: '', camId: '', camera: true });
  assert.equal(await media.startScreen(), true);
  assert.deepEqual(devices.asked.at(-1), { video: true, audio: true });
  const audio = media.screenAudioTrack;
  assert.equal(audio.label, 'tab audio');
  assert.equal(media.screenStream.getTracks().length, 2);
  media.stopScreen();
  assert.equal(media.screenAudioTrack, null);
  assert.equal(audio.readyState, 'ended');

  const silent = new LocalMedia({ devices: () => fakeDevices({ displayAudio: false }) });
  await silent.start();
  assert.equal(await silent.startScreen(), true);
  assert.equal(silent.screenAudioTrack, null, 'video only, as before');
});
