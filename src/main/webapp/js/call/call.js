// A call in one room: who is in it (learned only from encrypted signals), this person's stay in it (local
// media, one generation ID per stay), and a full mesh of Peers to the others. Renders through the call view.
//
// Call presence, all as encrypted signals addressed to one member each (the server sees only that signals flow):
// - after (re)connecting, a member not in the call sends `hello` to everyone online; those in the call answer `here`;
// - joining sends `join` to everyone online; those in the call answer `here`, and the joiner opens a connection
//   to each `here` (it offers; the other side answers on the m-lines of that offer);
// - `state` tells call members about microphone, camera and screen changes; `leave` ends a stay;
// - presence and `left` frames remove members whose connection to the room is gone.
// Before joining, the person may pick devices, join without a camera and check camera and microphone; during the
// call each tile tells how its connection runs (link-monitor.js).

import { msg } from '../i18n.js';
import { SignalChannel } from './channel.js';
import { MediaCheck } from './check.js';
import { DeviceChoice } from './devices.js';
import {
  isStale, refreshDelay, retryDelay, rtcConfiguration,
} from './ice.js';
import { LinkMonitor } from './link-monitor.js';
import { LocalMedia } from './media.js';
import { Peer } from './peer.js';
import { Roster } from './roster.js';
import { Kind, newGen } from './signaling.js';

const HIDE_IP_KEY = 'sotto.call.hide-ip';
const UNKNOWN_MEDIA = Object.freeze({ mic: true, cam: true, screen: false });

export const Phase = Object.freeze({ IDLE: 'idle', JOINING: 'joining', IN: 'in' });

export class Call {
  /**
   * @param {object} o
   * @param {object} o.view  from createCallView()
   * @param {object} o.signals  { context, nextCounter, sendFrame } for the SignalChannel; context() returns
   *   { keyring, roomId, selfId, signKey, keysOf(sessionId) } (see channel.js)
   * @param {() => Promise<object>} o.fetchIce  GET /api/ice, parsed
   * @param {(sessionId: string) => string} o.nickOf
   * @param {{setTimeout: Function, clearTimeout: Function}} [o.timers]  for the TURN credential refresh
   * @param {() => number} [o.now]  this browser's clock, in milliseconds
   */
  constructor({
    view, signals, fetchIce, nickOf, storage = globalThis.localStorage, PeerImpl = Peer, media = null,
    timers = globalThis, now = () => Date.now(), mediaDevices = () => globalThis.navigator?.mediaDevices,
  }) {
    Object.assign(this, {
      view, fetchIce, nickOf, storage, PeerImpl, timers, now,
    });
    this.channel = new SignalChannel({
      ...signals,
      onMessage: (from, payload) => this.message(from, payload),
      onUnreachable: (id) => this.gone([id]),
      onTooLarge: () => this.fail(msg('call.error.tooLarge')),
    });
    this.media = media ?? new LocalMedia({ onScreenEnded: () => this.stopScreen() });
    this.devices = new DeviceChoice({ storage, devices: mediaDevices, onChange: () => this.devicesChanged() });
    this.check = new MediaCheck({
      devices: mediaDevices, timers, onChange: () => this.render(), onLevel: (level) => this.view.level?.(level),
    });
    this.links = new LinkMonitor({ entries: () => this.peers.values(), onChange: () => this.render(), timers });
    this.roster = new Roster();
    this.peers = new Map(); // sessionId -> { peer, gen, streams: Map(streamId -> MediaStream), state }
    this.givenUp = new Map(); // sessionId -> their gen whose connection failed: its late signals open nothing
    this.online = new Set();
    this.selfId = null;
    this.linked = false;
    this.greet = false;
    this.ice = null;
    this.iceAt = 0; // when this.ice arrived, on this browser's clock
    this.iceFailed = false;
    this.refreshTimer = null;
    this.refreshFailures = 0;
    this.phase = Phase.IDLE;
    this.gen = null;
    this.configuration = null;
    this.hideIp = readFlag(storage, HIDE_IP_KEY);
    this.error = '';
    this.ended = false;
    this.devices.refresh();
    this.render();
  }

  // ---- from the room ----

  /** A welcome: this session is (again) connected to the room. Greets the others on the next presence. */
  welcomed(selfId) {
    if (this.ended) return;
    if (this.selfId !== null && this.selfId !== selfId) this.hangUp();
    this.selfId = selfId;
    this.linked = true;
    this.greet = true;
    if (!this.ice) this.loadIce();
    this.render();
  }

  disconnected() {
    if (this.ended) return;
    this.linked = false;
    this.render();
  }

  /** Who is connected to the room now. Members who are not any more leave the call. */
  setOnline(ids) {
    if (this.ended) return;
    this.online = new Set(ids.filter((id) => id !== this.selfId));
    this.gone([...this.roster.ids(), ...this.peers.keys()].filter((id) => !this.online.has(id)));
    if (this.greet && this.linked) {
      this.greet = false;
      if (this.phase === Phase.IN) this.rejoin();
      else for (const id of this.online) this.channel.send(id, { k: Kind.HELLO });
    }
    this.render();
  }

  /** A member left the room for good. */
  memberLeft(id) {
    this.online.delete(id);
    this.gone([id]);
    this.render();
  }

  /** A `signal` frame from the relay. */
  receive(frame) {
    if (!this.ended) this.channel.receive(frame);
  }

  /** An `error` frame; true when it was about one of our signals. */
  refused(error) {
    return this.channel.refused(error);
  }

  /** Nicknames changed. */
  renamed() {
    this.render();
  }

  /** The room is closed, deleted or left behind: the call ends for this person, for good. */
  end() {
    if (this.ended) return;
    this.leave();
    this.check.stop();
    this.devices.dispose();
    this.ended = true;
    this.view.reset();
  }

  // ---- the person's actions ----

  async join() {
    if (this.ended || this.phase !== Phase.IDLE || !this.linked) return;
    this.phase = Phase.JOINING;
    this.error = '';
    this.check.stop();
    this.render();
    const ready = await this.freshIce();
    if (this.phase !== Phase.JOINING) return;
    if (!ready || this.isFull() || (this.hideIp && !this.ice.relay)) {
      this.phase = Phase.IDLE;
      this.render();
      return;
    }
    const { choice } = this.devices;
    const got = await this.media.start(choice);
    if (this.ended || this.phase !== Phase.JOINING) {
      this.media.stop();
      return;
    }
    if (!got.mic && !got.cam) this.error = msg('call.error.noMedia');
    else if (!got.cam && choice.camera) this.error = msg('call.error.noCamera');
    else if (!got.mic) this.error = msg('call.error.noMic');
    this.devices.refresh();
    this.configuration = rtcConfiguration(this.ice, this.hideIp);
    this.gen = newGen();
    this.phase = Phase.IN;
    this.refreshFailures = 0;
    this.scheduleRefresh(this.refreshDue());
    for (const id of this.online) this.channel.send(id, this.presence(Kind.JOIN));
    this.render();
  }

  /** Leaves the call (the room stays open). Resolves once the goodbyes went out. */
  leave() {
    if (this.phase === Phase.JOINING) {
      this.phase = Phase.IDLE;
      this.render();
      return Promise.resolve();
    }
    if (this.phase !== Phase.IN) return Promise.resolve();
    const goodbye = { k: Kind.LEAVE, gen: this.gen };
    const sent = Promise.all([...this.online].map((id) => this.channel.send(id, goodbye)));
    this.hangUp();
    this.render();
    return sent;
  }

  toggleMic() {
    if (this.phase !== Phase.IN) return;
    this.media.setMic(!this.media.micOn);
    this.sendMedia();
  }

  async toggleCamera() {
    if (this.phase !== Phase.IN) return;
    const want = !this.media.camOn;
    const on = await this.media.setCamera(want);
    if (this.phase !== Phase.IN) return;
    if (want && !on) this.error = msg('call.error.camera');
    this.sendMedia();
  }

  async toggleScreen() {
    if (this.phase !== Phase.IN) return;
    if (this.media.screenTrack) {
      this.stopScreen();
      return;
    }
    const started = await this.media.startScreen();
    if (this.phase !== Phase.IN) return;
    if (!started) {
      this.fail(msg('call.error.screen'));
      return;
    }
    this.sendMedia();
  }

  stopScreen() {
    this.media.stopScreen();
    if (this.phase === Phase.IN) this.sendMedia();
  }

  setHideIp(on) {
    if (this.phase !== Phase.IDLE) return;
    this.hideIp = on;
    writeFlag(this.storage, HIDE_IP_KEY, on);
    this.render();
  }

  /** Joining without a camera (the microphone only); a setting for the next join, remembered. */
  setVoiceOnly(on) {
    if (this.phase !== Phase.IDLE) return;
    this.devices.setVoiceOnly(on);
    if (this.check.open) this.check.start(this.devices.choice);
    this.render();
  }

  /**
   * Another microphone (kind 'audio') or camera ('video'), '' for the default one. During the call every
   * connection sends the new track in place of the old one (no renegotiation); the old one is stopped.
   */
  async chooseDevice(kind, id) {
    this.devices.choose(kind, id);
    if (this.check.open) this.check.start(this.devices.choice);
    if (this.phase !== Phase.IN) {
      this.render();
      return;
    }
    const ok = kind === 'audio' ? await this.media.useMic(id) : await this.media.useCamera(id);
    if (this.phase !== Phase.IN) return;
    if (!ok) this.error = msg('call.error.device');
    this.sendMedia();
  }

  /** Opens the camera and microphone check (before a call only). */
  async startCheck() {
    if (this.ended || this.phase !== Phase.IDLE) return;
    await this.check.start(this.devices.choice);
    if (this.check.stream) await this.devices.refresh();
  }

  stopCheck() {
    this.check.stop();
  }

  /** The device lists changed: if a device in use went away, the call goes on with the default one. */
  devicesChanged() {
    if (this.phase === Phase.IN) {
      const m = this.media;
      const ended = (track) => track !== null && track.readyState === 'ended';
      if (ended(m.micTrack)) m.useMic(this.devices.micId).then(() => this.phase === Phase.IN && this.sendMedia());
      if (m.camOn && ended(m.camTrack)) {
        m.useCamera(this.devices.camId).then(() => this.phase === Phase.IN && this.sendMedia());
      }
    }
    this.render();
  }

  // ---- signals ----

  presence(kind) {
    return {
      k: kind,
      gen: this.gen,
      media: { mic: this.media.micOn, cam: this.media.camOn, screen: this.media.screenTrack !== null },
      screenStream: this.media.screenStream?.id ?? null,
    };
  }

  async message(from, payload) {
    if (this.ended) return;
    switch (payload.k) {
      case Kind.HELLO:
        if (this.phase === Phase.IN) this.channel.send(from, this.presence(Kind.HERE));
        return;
      case Kind.JOIN:
        this.note(from, payload);
        if (this.phase === Phase.IN) this.channel.send(from, this.presence(Kind.HERE));
        break;
      case Kind.HERE:
        this.note(from, payload);
        if (this.phase === Phase.IN && !this.peers.has(from)) this.connect(from, true);
        break;
      case Kind.STATE:
        this.note(from, payload);
        break;
      case Kind.LEAVE:
        if (this.roster.remove(from, payload.gen)) this.closePeer(from);
        break;
      default:
        await this.negotiate(from, payload);
    }
    this.render();
  }

  /** Records a member's stay; a new generation of theirs replaces the connection to the old one. */
  note(from, { gen, media, screenStream }) {
    this.roster.set(from, { gen, media, screenStream });
    const entry = this.peers.get(from);
    if (entry && entry.gen !== gen) this.closePeer(from);
  }

  async negotiate(from, { k, gen, toGen, description, candidate }) {
    if (this.phase !== Phase.IN || toGen !== this.gen || this.givenUp.get(from) === gen) return;
    const known = this.roster.get(from);
    if (!known || known.gen !== gen) {
      this.note(from, { gen, media: known?.media ?? UNKNOWN_MEDIA, screenStream: known?.screenStream ?? null });
    }
    const entry = this.peers.get(from) ?? this.connect(from, false);
    try {
      await entry.peer.receive(k === Kind.SDP ? { description } : { candidate });
    } catch {
      // An offer or candidate that does not apply (stale, or from a rolled-back negotiation): ignore it.
    }
  }

  // ---- connections ----

  connect(id, initiator) {
    const theirGen = this.roster.get(id).gen;
    const ourGen = this.gen;
    const entry = { peer: null, gen: theirGen, streams: new Map(), state: 'connecting' };
    entry.peer = new this.PeerImpl({
      polite: this.selfId < id,
      initiator,
      configuration: this.configuration,
      send: ({ description, candidate }) => this.channel.send(id, description
        ? { k: Kind.SDP, gen: ourGen, toGen: theirGen, description }
        : { k: Kind.ICE, gen: ourGen, toGen: theirGen, candidate }),
      onTrack: (track, stream) => this.remoteTrack(entry, track, stream),
      onState: (state) => this.peerState(id, entry, state),
    });
    this.peers.set(id, entry);
    this.attach(entry.peer);
    return entry;
  }

  /** Puts this person's current media on a connection. */
  attach(peer) {
    const m = this.media;
    peer.setSending('audio', { kind: 'audio', track: m.micOn ? m.micTrack : null, stream: m.stream });
    peer.setSending('video', { kind: 'video', track: m.camOn ? m.camTrack : null, stream: m.stream });
    const screen = m.screenTrack;
    peer.setSending('screen', { kind: 'video', track: screen, stream: m.screenStream, active: screen !== null });
    // The screen's own audio rides on a slot of its own, in the screen's stream, only when there is some.
    const screenAudio = m.screenAudioTrack ?? null;
    peer.setSending('screen-audio', {
      kind: 'audio', track: screenAudio, stream: m.screenStream, active: screenAudio !== null,
    });
  }

  /** Media changed: update every connection and tell the call members. */
  sendMedia() {
    for (const { peer } of this.peers.values()) this.attach(peer);
    for (const id of this.roster.ids()) this.channel.send(id, this.presence(Kind.STATE));
    this.render();
  }

  remoteTrack(entry, track, stream) {
    if (entry.peer.closed) return;
    const key = stream ? stream.id : '';
    let target = entry.streams.get(key);
    if (!target) {
      target = stream ?? new MediaStream();
      entry.streams.set(key, target);
      target.addEventListener('addtrack', () => this.render());
      target.addEventListener('removetrack', () => this.render());
    }
    if (!target.getTracks().includes(track)) target.addTrack(track);
    track.onunmute = () => this.render();
    track.onended = () => this.render();
    this.render();
  }

  peerState(id, entry, state) {
    if (this.peers.get(id) !== entry) return;
    entry.state = state;
    if (state === 'connected') this.links.start();
    if (state === 'failed') {
      this.givenUp.set(id, entry.gen);
      this.closePeer(id);
      this.roster.remove(id);
      this.error = msg('call.error.peerFailed', { nick: this.nickOf(id) });
    }
    this.render();
  }

  closePeer(id) {
    const entry = this.peers.get(id);
    if (!entry) return;
    entry.peer.close();
    this.peers.delete(id);
    if (this.peers.size === 0) this.links.stop();
  }

  /** Members whose connection to the room ended, or who cannot be reached: out of the call. */
  gone(ids) {
    for (const id of ids) {
      this.roster.remove(id);
      this.closePeer(id);
    }
  }

  /** Back in the room after a reconnect while in the call: a new stay, connections made afresh. */
  rejoin() {
    for (const id of [...this.peers.keys()]) this.closePeer(id);
    this.gen = newGen();
    for (const id of this.online) this.channel.send(id, this.presence(Kind.JOIN));
  }

  hangUp() {
    this.cancelRefresh();
    this.links.stop();
    for (const id of [...this.peers.keys()]) this.closePeer(id);
    this.media.stop();
    this.phase = Phase.IDLE;
    this.gen = null;
    this.configuration = null;
  }

  // ---- settings and rendering ----

  /** Asks for ICE servers; returns null, or the error when that failed (then the previous ones stay). */
  async loadIce() {
    let failure = null;
    try {
      const ice = await this.fetchIce();
      this.ice = ice;
      this.iceAt = this.now();
      this.iceFailed = false;
    } catch (error) {
      this.iceFailed = true;
      failure = error ?? new Error('no ICE servers');
    }
    this.render();
    return failure;
  }

  // ---- fresh TURN credentials during a call ----

  /** Milliseconds until the current credentials are due for a refresh, or null when they do not expire. */
  refreshDue() {
    const delay = refreshDelay(this.ice, this.iceAt);
    return delay === null ? null : Math.max(0, this.iceAt + delay - this.now());
  }

  scheduleRefresh(delayMs) {
    this.cancelRefresh();
    if (delayMs === null) return;
    this.refreshTimer = this.timers.setTimeout(() => {
      this.refreshTimer = null;
      this.refreshIce();
    }, delayMs);
  }

  cancelRefresh() {
    if (this.refreshTimer !== null) this.timers.clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  /**
   * Fresh credentials for every connection of the call (the browser uses them from its next ICE gathering on: an
   * ICE restart) and for connections opened from now on. Allocations already made keep working on coturn.
   */
  async refreshIce() {
    const failure = await this.loadIce();
    if (this.phase !== Phase.IN) return;
    if (failure) {
      this.refreshFailures += 1;
      this.scheduleRefresh(retryDelay(this.refreshFailures, failure.retryAfterSeconds ?? null));
      return;
    }
    this.refreshFailures = 0;
    this.configuration = rtcConfiguration(this.ice, this.hideIp);
    for (const { peer } of this.peers.values()) peer.setConfiguration(this.configuration);
    this.scheduleRefresh(this.refreshDue());
  }

  async freshIce() {
    if (this.ice && !isStale(this.ice, this.iceAt, this.now())) return true;
    await this.loadIce();
    if (!this.ice || this.iceFailed) {
      this.fail(msg('call.error.noSettings'));
      return false;
    }
    return true;
  }

  isFull() {
    return this.ice !== null && this.roster.size >= this.ice.maxParticipants;
  }

  fail(text) {
    this.error = text;
    this.render();
  }

  render() {
    if (this.ended) return;
    const m = this.media;
    const inCall = this.phase === Phase.IN;
    this.view.render({
      phase: this.phase,
      available: this.linked,
      unavailable: this.iceFailed && this.ice === null,
      relay: this.ice ? this.ice.relay : null,
      maxParticipants: this.ice ? this.ice.maxParticipants : null,
      full: this.phase === Phase.IDLE && this.isFull(),
      hideIp: this.hideIp,
      devices: {
        mics: this.devices.mics,
        cams: this.devices.cams,
        micId: this.devices.micId,
        camId: this.devices.camId,
        voiceOnly: this.devices.voiceOnly,
      },
      check: { open: this.check.open, stream: this.check.stream, failed: this.check.failed },
      others: this.roster.ids().map((id) => this.nickOf(id)),
      self: {
        stream: inCall ? m.stream : null,
        screen: inCall && m.screenTrack ? m.screenStream : null,
        mic: m.micOn,
        cam: m.camOn,
        hasMic: m.micTrack !== null,
        canShare: m.canShareScreen,
      },
      tiles: inCall ? this.roster.ids().map((id) => this.tile(id)) : [],
      error: this.error,
    });
  }

  tile(id) {
    const member = this.roster.get(id);
    const entry = this.peers.get(id);
    let camera = null;
    let screen = null;
    for (const [streamId, stream] of entry?.streams ?? []) {
      if (streamId !== '' && streamId === member.screenStream) screen = stream;
      else camera ??= stream;
    }
    const sharing = member.media.screen && screen !== null && screen.getVideoTracks().length > 0;
    return {
      id,
      nick: this.nickOf(id),
      media: member.media,
      camera,
      screen: sharing ? screen : null,
      connected: entry?.state === 'connected',
      link: entry?.state === 'connected' ? this.links.linkOf(entry) : null,
      reconnecting: entry?.state === 'reconnecting',
    };
  }
}

function readFlag(storage, key) {
  try {
    return storage.getItem(key) === '1';
  } catch {
    return false;
  }
}

function writeFlag(storage, key, on) {
  try {
    if (on) storage.setItem(key, '1');
    else storage.removeItem(key);
  } catch {
    // Storage disabled: the setting holds until the page is closed.
  }
}
