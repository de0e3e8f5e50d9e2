// Looks at every connected peer of a call every two seconds (getStats) and keeps what its tile says about the link:
// direct or through the relay, and how well (link-quality.js). Runs only while this person is in the call.

import { assess, sample } from './link-quality.js';

const INTERVAL_MS = 2000;

export class LinkMonitor {
  /**
   * @param {object} o
   * @param {() => Iterable<{peer: {pc: RTCPeerConnection}, state: string}>} o.entries  the call's connections
   * @param {() => void} o.onChange  a tile's link text changed
   * @param {{setTimeout: Function, clearTimeout: Function}} [o.timers]
   */
  constructor({ entries, onChange, timers = globalThis, intervalMs = INTERVAL_MS }) {
    Object.assign(this, {
      entries, onChange, timers, intervalMs,
    });
    this.seen = new WeakMap(); // entry -> { sample, link }
    this.timer = null;
  }

  start() {
    if (this.timer === null) this.schedule();
  }

  stop() {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  schedule() {
    this.timer = this.timers.setTimeout(async () => {
      await this.poll();
      if (this.timer !== null) this.schedule();
    }, this.intervalMs);
  }

  /** What the tile of this connection says, or null before the first look at it connected. */
  linkOf(entry) {
    return entry ? this.seen.get(entry)?.link ?? null : null;
  }

  async poll() {
    const looks = [...this.entries()].filter((entry) => entry.state === 'connected' && !entry.peer.closed)
      .map(async (entry) => {
        let report;
        try {
          report = await entry.peer.pc.getStats();
        } catch {
          return false; // closed meanwhile
        }
        const before = this.seen.get(entry);
        const now = sample(report);
        const link = assess(before?.sample ?? null, now);
        this.seen.set(entry, { sample: now, link });
        return before?.link?.path !== link.path || before?.link?.quality !== link.quality;
      });
    if ((await Promise.all(looks)).some(Boolean) && this.timer !== null) this.onChange();
  }
}
