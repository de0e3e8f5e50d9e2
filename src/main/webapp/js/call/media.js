// This person's media in a call: a camera stream (microphone and camera tracks) and a screen stream (the shared
// screen and, where the browser offers it, its audio, while sharing), each with an ID that stays the same for the
// whole stay in the call, so the others can tell them apart. Turning the camera off stops it (its light goes out);
// turning it on asks for a new track. Another microphone or camera replaces its track in the same stream and stops
// the old one.

import { audioConstraints, captureAttempts, videoConstraints } from './devices.js';

/** Modest camera video: in a full mesh everyone sends a copy to each of the others. */
export const VIDEO = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } };

export class LocalMedia {
  /** @param {() => void} onScreenEnded  sharing stopped from the browser's own controls */
  constructor({ onScreenEnded = () => {}, devices = () => globalThis.navigator.mediaDevices } = {}) {
    this.onScreenEnded = onScreenEnded;
    this.devices = devices;
    this.stream = null;
    this.screenStream = null;
    this.micOn = false;
    this.camOn = false;
    this.choice = { micId: '', camId: '', camera: true };
  }

  get micTrack() {
    return this.stream?.getAudioTracks()[0] ?? null;
  }

  get camTrack() {
    return this.stream?.getVideoTracks()[0] ?? null;
  }

  get screenTrack() {
    return this.screenStream?.getVideoTracks()[0] ?? null;
  }

  /** The shared screen's own audio (a tab's or the system's), when the browser offered it. */
  get screenAudioTrack() {
    return this.screenTrack ? this.screenStream.getAudioTracks()[0] ?? null : null;
  }

  /** Whether this browser can share a screen at all. */
  get canShareScreen() {
    return typeof this.devices()?.getDisplayMedia === 'function';
  }

  /**
   * Opens microphone and camera (the chosen ones, devices.js), or whichever of them is available; only the
   * microphone when `camera` is false. Resolves { mic, cam }: what could be opened. Joining still works without
   * either (to watch and listen).
   */
  async start(choice = this.choice) {
    this.choice = { ...choice };
    this.stream = new MediaStream();
    this.screenStream = new MediaStream();
    for (const constraints of captureAttempts(this.choice, VIDEO)) {
      const got = await this.capture(constraints);
      if (got) {
        for (const track of got.getTracks()) this.stream.addTrack(track);
        break;
      }
    }
    this.micOn = this.micTrack !== null;
    this.camOn = this.camTrack !== null;
    return { mic: this.micOn, cam: this.camOn };
  }

  async capture(constraints) {
    try {
      return await this.devices().getUserMedia(constraints);
    } catch {
      return null;
    }
  }

  setMic(on) {
    const track = this.micTrack;
    this.micOn = on && track !== null;
    if (track) track.enabled = this.micOn;
    return this.micOn;
  }

  /** Turns the camera off (stops it) or on (opens it again). Resolves whether it is on. */
  async setCamera(on) {
    if (!on) {
      for (const track of this.stream.getVideoTracks()) {
        track.stop();
        this.stream.removeTrack(track);
      }
      this.camOn = false;
      return false;
    }
    if (!this.camTrack) {
      const got = await this.capture({ video: videoConstraints(VIDEO, this.choice.camId) });
      const track = got?.getVideoTracks()[0];
      if (!track || !this.stream) {
        got?.getTracks().forEach((t) => t.stop());
        return false;
      }
      this.stream.addTrack(track);
    }
    this.camOn = true;
    return true;
  }

  /**
   * Another microphone during the call: a new track replaces the old one in the stream (the connections then send
   * it with replaceTrack), muted if the microphone was muted; the old track is stopped. Resolves whether it worked.
   */
  async useMic(id) {
    this.choice.micId = id;
    if (!this.stream) return false;
    const track = await this.openTrack({ audio: audioConstraints(id, true) }, 'audio');
    if (!track) return false;
    const had = this.micTrack !== null;
    this.swap(track);
    this.micOn = had ? this.micOn : true;
    track.enabled = this.micOn;
    return true;
  }

  /** Another camera: swapped at once while the camera is on, else used when it is turned on. */
  async useCamera(id) {
    this.choice.camId = id;
    if (!this.stream || !this.camOn) return true;
    const track = await this.openTrack({ video: videoConstraints(VIDEO, id, true) }, 'video');
    if (!track) return false;
    this.swap(track);
    return true;
  }

  /** One new track of a kind, or null (nothing opened, or the call ended meanwhile). */
  async openTrack(constraints, kind) {
    const got = await this.capture(constraints);
    const track = got?.getTracks().find((t) => t.kind === kind) ?? null;
    got?.getTracks().filter((t) => t !== track).forEach((t) => t.stop());
    if (track && !this.stream) {
      track.stop();
      return null;
    }
    return track;
  }

  swap(track) {
    const old = track.kind === 'audio' ? this.stream.getAudioTracks() : this.stream.getVideoTracks();
    for (const t of old) {
      t.stop();
      this.stream.removeTrack(t);
    }
    this.stream.addTrack(track);
  }

  /**
   * Asks the person which screen, window or tab to share, with its audio where the browser offers that. Resolves
   * whether sharing started.
   */
  async startScreen() {
    let display;
    try {
      display = await this.devices().getDisplayMedia({ video: true, audio: true });
    } catch {
      return false;
    }
    const track = display.getVideoTracks()[0];
    const audio = display.getAudioTracks()[0] ?? null;
    display.getAudioTracks().filter((t) => t !== audio).forEach((t) => t.stop());
    if (!track || !this.screenStream || this.screenTrack) {
      display.getTracks().forEach((t) => t.stop());
      return false;
    }
    this.screenStream.addTrack(track);
    if (audio) this.screenStream.addTrack(audio);
    track.addEventListener('ended', () => {
      if (this.screenTrack === track) this.onScreenEnded();
    });
    return true;
  }

  stopScreen() {
    for (const track of this.screenStream?.getTracks() ?? []) {
      track.stop();
      this.screenStream.removeTrack(track);
    }
  }

  stop() {
    this.stopScreen();
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.screenStream = null;
    this.micOn = false;
    this.camOn = false;
  }
}
