// This person's media in a call: a camera stream (microphone and camera tracks) and a screen stream (the shared
// screen, while sharing), each with an ID that stays the same for the whole stay in the call, so the others can
// tell them apart. Turning the camera off stops it (its light goes out); turning it on asks for a new track.

/** Modest camera video: in a full mesh everyone sends a copy to each of the others. */
const VIDEO = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } };

export class LocalMedia {
  /** @param {() => void} onScreenEnded  sharing stopped from the browser's own controls */
  constructor({ onScreenEnded = () => {}, devices = () => globalThis.navigator.mediaDevices } = {}) {
    this.onScreenEnded = onScreenEnded;
    this.devices = devices;
    this.stream = null;
    this.screenStream = null;
    this.micOn = false;
    this.camOn = false;
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

  /** Whether this browser can share a screen at all. */
  get canShareScreen() {
    return typeof this.devices()?.getDisplayMedia === 'function';
  }

  /**
   * Opens microphone and camera, or whichever of them is available. Resolves { mic, cam }: what could be
   * opened. Joining still works without either (to watch and listen).
   */
  async start() {
    this.stream = new MediaStream();
    this.screenStream = new MediaStream();
    for (const constraints of [{ audio: true, video: VIDEO }, { audio: true }, { video: VIDEO }]) {
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
      const got = await this.capture({ video: VIDEO });
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

  /** Asks the person which screen or window to share. Resolves whether sharing started. */
  async startScreen() {
    let display;
    try {
      display = await this.devices().getDisplayMedia({ video: true, audio: false });
    } catch {
      return false;
    }
    const track = display.getVideoTracks()[0];
    display.getAudioTracks().forEach((t) => t.stop());
    if (!track || !this.screenStream || this.screenTrack) {
      track?.stop();
      return false;
    }
    this.screenStream.addTrack(track);
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
