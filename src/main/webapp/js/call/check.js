// The check before a call: opens the chosen camera and microphone for a preview and measures how loud the
// microphone is (Web Audio AnalyserNode). Closing it, or joining the call, stops every track it opened, so no
// camera light stays on. The level function is plain arithmetic and runs in Node.

import { captureAttempts } from './devices.js';
import { VIDEO } from './media.js';

const LEVEL_INTERVAL_MS = 100;
/** The meter shows the loudest recent level and lets it fall slowly, so that short sounds can be seen. */
const FALL = 0.8;
/** Quieter than this (dBFS) shows as nothing; full scale shows as 1. */
const FLOOR_DB = -60;

/** The loudness of a block of 8-bit time-domain samples (128 = silence) as 0..1 on a decibel scale. */
export function levelOf(samples) {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const value of samples) {
    const x = (value - 128) / 128;
    sum += x * x;
  }
  const rms = Math.sqrt(sum / samples.length);
  if (rms === 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
}

/** The level to show next: the new one if louder, else the shown one falling. */
export function heldLevel(shown, level) {
  return level >= shown ? level : Math.max(level, shown * FALL);
}

export class MediaCheck {
  /**
   * @param {object} o
   * @param {() => void} o.onChange  opened, reopened or closed: the preview stream changed
   * @param {(level: number) => void} o.onLevel  the microphone's level, 0..1, about ten times a second
   */
  constructor({
    onChange, onLevel, devices = () => globalThis.navigator.mediaDevices, AudioContextImpl = globalThis.AudioContext,
    timers = globalThis,
  }) {
    Object.assign(this, {
      onChange, onLevel, devices, AudioContextImpl, timers,
    });
    this.open = false;
    this.stream = null;
    this.failed = false;
    this.audio = null; // { context, timer }
    this.attempt = 0;
  }

  /** Opens (or opens again, with another choice) the preview. Resolves once it is shown or failed. */
  async start(choice) {
    this.open = true;
    const attempt = ++this.attempt;
    this.release();
    let stream = null;
    for (const constraints of captureAttempts(choice, VIDEO)) {
      try {
        stream = await this.devices().getUserMedia(constraints);
        break;
      } catch {
        // Try the next, smaller ask.
      }
    }
    if (!this.open || attempt !== this.attempt) {
      stream?.getTracks().forEach((t) => t.stop());
      return;
    }
    this.stream = stream;
    this.failed = stream === null;
    if (stream) this.measure(stream);
    this.onChange();
  }

  /** Stops every track and the meter. */
  stop() {
    if (!this.open) return;
    this.open = false;
    this.attempt += 1;
    this.release();
    this.failed = false;
    this.onChange();
  }

  measure(stream) {
    if (stream.getAudioTracks().length === 0 || typeof this.AudioContextImpl !== 'function') return;
    let context;
    try {
      context = new this.AudioContextImpl();
      const analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      context.createMediaStreamSource(stream).connect(analyser);
      context.resume?.().catch(() => {});
      const samples = new Uint8Array(analyser.fftSize);
      let shown = 0;
      const timer = this.timers.setInterval(() => {
        analyser.getByteTimeDomainData(samples);
        shown = heldLevel(shown, levelOf(samples));
        this.onLevel(shown);
      }, LEVEL_INTERVAL_MS);
      this.audio = { context, timer };
    } catch {
      context?.close?.().catch(() => {});
      // No Web Audio here: the preview works without a meter.
    }
  }

  release() {
    if (this.audio) {
      this.timers.clearInterval(this.audio.timer);
      this.audio.context.close().catch(() => {});
      this.audio = null;
    }
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.onLevel(0);
  }
}
