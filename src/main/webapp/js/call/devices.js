// Which microphone and camera this person wants, and whether they join without a camera: the devices this browser
// lists (their names only once the person has allowed a capture), the choice kept in localStorage (like "Hide my IP
// address"), and the getUserMedia constraints that ask for it. The lists follow devices plugged in or out.

const MIC_KEY = 'sotto.call.mic';
const CAMERA_KEY = 'sotto.call.camera';
const VOICE_ONLY_KEY = 'sotto.call.voice-only';

/** Browser aliases of "the system's default" (Chromium): the option '' already stands for it. */
const ALIASES = new Set(['default', 'communications']);

/**
 * The devices of one kind ('audioinput' or 'videoinput') as options { id, label }. Before permission browsers list
 * devices without ID or name: those are left out (the '' option, "the default one", covers them).
 */
export function deviceOptions(infos, kind) {
  const seen = new Set();
  const options = [];
  for (const info of infos) {
    if (info.kind !== kind || !info.deviceId || ALIASES.has(info.deviceId) || seen.has(info.deviceId)) continue;
    seen.add(info.deviceId);
    options.push({ id: info.deviceId, label: info.label ?? '' });
  }
  return options;
}

/** The device to use: the one kept if it is listed (or nothing is listed yet, so it cannot be told), else ''. */
export function selectedId(options, keptId) {
  if (!keptId) return '';
  return options.length === 0 || options.some((o) => o.id === keptId) ? keptId : '';
}

/** Audio constraints for a device ('' = the default one); `exact` fails rather than fall back to another. */
export function audioConstraints(id, exact = false) {
  if (!id) return true;
  return { deviceId: exact ? { exact: id } : id };
}

/** Video constraints: `base` (size and rate) for a device ('' = the default one). */
export function videoConstraints(base, id, exact = false) {
  if (!id) return base;
  return { ...base, deviceId: exact ? { exact: id } : id };
}

/** What to ask getUserMedia for, in order, until one works: both, then either alone; voice only asks for audio. */
export function captureAttempts({ micId, camId, camera }, videoBase) {
  const audio = audioConstraints(micId);
  if (!camera) return [{ audio }];
  const video = videoConstraints(videoBase, camId);
  return [{ audio, video }, { audio }, { video }];
}

export class DeviceChoice {
  /**
   * @param {object} o
   * @param {() => void} o.onChange  the lists or the choice changed
   * @param {Storage} [o.storage]
   * @param {() => MediaDevices} [o.devices]
   */
  constructor({ onChange, storage = globalThis.localStorage, devices = () => globalThis.navigator?.mediaDevices }) {
    Object.assign(this, { onChange, storage, devices });
    this.mics = [];
    this.cams = [];
    this.keptMic = read(storage, MIC_KEY) ?? '';
    this.keptCam = read(storage, CAMERA_KEY) ?? '';
    this.voiceOnly = read(storage, VOICE_ONLY_KEY) === '1';
    this.listener = () => this.refresh();
    this.devices()?.addEventListener?.('devicechange', this.listener);
  }

  get micId() {
    return selectedId(this.mics, this.keptMic);
  }

  get camId() {
    return selectedId(this.cams, this.keptCam);
  }

  /** What to capture: { micId, camId, camera }. */
  get choice() {
    return { micId: this.micId, camId: this.camId, camera: !this.voiceOnly };
  }

  /** Lists the devices again (after a capture was allowed, their names; after a device came or went, the lists). */
  async refresh() {
    let infos = [];
    try {
      infos = await this.devices().enumerateDevices();
    } catch {
      // No media devices here (an insecure page, or a browser without them): nothing to choose from.
    }
    this.mics = deviceOptions(infos, 'audioinput');
    this.cams = deviceOptions(infos, 'videoinput');
    this.onChange();
  }

  /** Picks a device: kind 'audio' or 'video', id '' for the default one. */
  choose(kind, id) {
    if (kind === 'audio') this.keptMic = id;
    else this.keptCam = id;
    write(this.storage, kind === 'audio' ? MIC_KEY : CAMERA_KEY, id || null);
  }

  setVoiceOnly(on) {
    this.voiceOnly = on;
    write(this.storage, VOICE_ONLY_KEY, on ? '1' : null);
  }

  /** Stops following devices plugged in or out. */
  dispose() {
    this.devices()?.removeEventListener?.('devicechange', this.listener);
  }
}

function read(storage, key) {
  try {
    return storage.getItem(key);
  } catch {
    return null;
  }
}

function write(storage, key, value) {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
  } catch {
    // Storage disabled: the choice holds until the page is closed.
  }
}
