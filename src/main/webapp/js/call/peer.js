// One RTCPeerConnection to one other participant, with the "perfect negotiation" pattern: either side may
// offer at any time (joining, screen sharing on and off, ICE restarts); on a collision the polite side yields
// and the impolite side ignores the other offer. Media slots ("audio", "video", "screen") each keep one
// transceiver for good, so turning things on and off never grows the session description.

// Recovery when a network path breaks: Chromium reports 'disconnected' within seconds but 'failed' only much later,
// so a connection that stays 'disconnected' this long restarts ICE (as does 'failed', at once).
/** How long a connection may stay 'disconnected' before ICE restarts. */
export const DISCONNECTED_MS = 2500;
/** A restart that has not brought the connection back after this time is tried again (the path may be back). */
export const RETRY_MS = 4000;
/** Restarts in one recovery, the first included: at 0, 4, 8 and 12 s, all within the grace. */
export const MAX_RESTARTS = 4;
/** A connection not connected again this long after the first restart has failed: the peer is given up. */
export const RESTART_GRACE_MS = 15000;

export class Peer {
  /**
   * @param {object} o
   * @param {boolean} o.polite  yields on an offer collision (decided by comparing session IDs)
   * @param {boolean} o.initiator  sends media (and so offers) at once; otherwise only once the first offer came,
   *   so that our media rides on the m-lines of that offer
   * @param {RTCConfiguration} o.configuration
   * @param {(message: {description?: object, candidate?: object}) => void} o.send  to the other side, in order
   * @param {(track: MediaStreamTrack, stream: MediaStream|null) => void} o.onTrack
   * @param {(state: string) => void} o.onState  new, connecting, connected, reconnecting (was connected, is not
   *   now: recovering), closed, or failed (given up: not connected within the grace after the first restart)
   */
  constructor({
    polite, initiator, configuration, send, onTrack, onState,
    PeerConnection = globalThis.RTCPeerConnection, timers = globalThis,
  }) {
    Object.assign(this, { polite, send, onTrack, onState, timers });
    this.pc = new PeerConnection(configuration);
    this.wanted = new Map(); // slot -> { kind, track, stream, active }
    this.slots = new Map(); // slot -> RTCRtpTransceiver
    this.announced = new Map(); // slot -> stream ID set on its sender
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.settingRemoteAnswer = false;
    this.disconnectedTimer = null; // while 'disconnected', until the first restart
    this.retryTimer = null; // while recovering, until the next restart
    this.graceTimer = null; // while recovering, until the peer is given up
    this.restarts = 0; // in the current recovery
    this.wasConnected = false;
    this.started = initiator;
    this.closed = false;

    const { pc } = this;
    pc.onnegotiationneeded = () => this.offer();
    pc.onicecandidate = ({ candidate }) => {
      if (candidate && candidate.candidate) this.send({ candidate: candidate.toJSON() });
    };
    pc.ontrack = ({ track, streams }) => this.onTrack(track, streams[0] ?? null);
    pc.onconnectionstatechange = () => this.connectionChanged();
  }

  get state() {
    return this.pc.connectionState;
  }

  /**
   * New ICE servers (fresh TURN credentials). The browser gathers with them from the next ICE restart on; the
   * candidates and allocations in use stay as they are.
   */
  setConfiguration(configuration) {
    if (this.closed) return;
    try {
      this.pc.setConfiguration(configuration);
    } catch {
      // A connection that cannot take it (closing, or a change it refuses) keeps the servers it has.
    }
  }

  /**
   * What a media slot sends: `track` may be null (microphone muted, camera off), `active` false stops
   * sending on the slot altogether (screen sharing ended), which renegotiates.
   */
  setSending(slot, { kind, track, stream, active = true }) {
    this.wanted.set(slot, { kind, track, stream, active });
    this.apply(slot);
  }

  apply(slot) {
    if (this.closed || !this.started) return;
    const want = this.wanted.get(slot);
    let transceiver = this.slots.get(slot);
    if (!transceiver) {
      if (!want.active) return;
      transceiver = this.free(want.kind)
        ?? this.pc.addTransceiver(want.track ?? want.kind, { direction: 'sendrecv', streams: [want.stream] });
      this.slots.set(slot, transceiver);
      this.announced.set(slot, want.stream.id);
    }
    const { sender } = transceiver;
    if (sender.track !== want.track) sender.replaceTrack(want.track).catch(() => {});
    if (this.announced.get(slot) !== want.stream.id) {
      sender.setStreams(want.stream);
      this.announced.set(slot, want.stream.id);
    }
    const direction = want.active ? 'sendrecv' : 'recvonly';
    if (transceiver.direction !== direction) transceiver.direction = direction;
  }

  /** A transceiver the other side's offer brought that none of our slots uses yet. */
  free(kind) {
    const used = new Set(this.slots.values());
    return this.pc.getTransceivers().find((t) => t.mid !== null && !used.has(t) && !isStopped(t)
      && t.receiver.track.kind === kind) ?? null;
  }

  /**
   * After applying an offer: slots whose own transceiver never got into a description (it was rolled back
   * in a collision) move onto a matching transceiver of that offer, so both directions share one m-line.
   */
  adopt() {
    this.started = true;
    for (const [slot, transceiver] of this.slots) {
      if (transceiver.mid !== null) continue;
      const free = this.free(this.wanted.get(slot).kind);
      if (!free) continue;
      transceiver.stop();
      this.slots.set(slot, free);
      this.announced.delete(slot);
    }
    for (const slot of this.wanted.keys()) this.apply(slot);
  }

  async offer() {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      // The other side's offer may have rolled ours back meanwhile (we are the polite side): then the local
      // description is no longer this offer, and sending it would hand the other side a stale description.
      if (this.pc.signalingState !== 'have-local-offer') return;
      this.send({ description: this.description() });
    } catch {
      // A newer offer or answer took over; negotiation-needed fires again if still needed.
    } finally {
      this.makingOffer = false;
    }
  }

  description() {
    const { type, sdp } = this.pc.localDescription;
    return { type, sdp };
  }

  /** A message from the other side's Peer, in the order it was sent. */
  async receive({ description, candidate }) {
    if (this.closed) return;
    const { pc } = this;
    if (description) {
      const ready = !this.makingOffer && (pc.signalingState === 'stable' || this.settingRemoteAnswer);
      const collision = description.type === 'offer' && !ready;
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      this.settingRemoteAnswer = description.type === 'answer';
      try {
        await pc.setRemoteDescription(description);
      } finally {
        this.settingRemoteAnswer = false;
      }
      if (description.type === 'offer') {
        this.adopt();
        await pc.setLocalDescription();
        this.send({ description: this.description() });
        if (collision) this.reattach();
      }
    } else if (candidate) {
      try {
        await pc.addIceCandidate(candidate);
      } catch (error) {
        if (!this.ignoreOffer && pc.remoteDescription) throw error;
      }
    }
  }

  /**
   * After yielding in a collision (our offer rolled back for theirs): Chromium (150) then stops sending video on a
   * transceiver that the other side's offer created, although the sender keeps its track (both sides restarting
   * ICE at once froze the video that way). Taking the track off and putting it back makes it send again.
   */
  reattach() {
    for (const [slot, { sender }] of this.slots) {
      const { track } = this.wanted.get(slot);
      if (!track || sender.track !== track) continue;
      sender.replaceTrack(null)
        .then(() => {
          const wanted = this.wanted.get(slot).track;
          if (!this.closed && sender.track === null && wanted) return sender.replaceTrack(wanted);
          return undefined;
        })
        .catch(() => {});
    }
  }

  connectionChanged() {
    if (this.closed) return;
    const state = this.pc.connectionState;
    if (state === 'connected') {
      this.wasConnected = true;
      this.stopRecovery();
    } else if (state === 'disconnected') {
      if (this.disconnectedTimer === null && this.restarts === 0) {
        this.disconnectedTimer = this.timers.setTimeout(() => {
          this.disconnectedTimer = null;
          if (!this.closed && this.pc.connectionState !== 'connected') this.recover();
        }, DISCONNECTED_MS);
      }
    } else if (state === 'failed') {
      this.recover();
    }
    if (state === 'connected' || state === 'closed') this.onState(state);
    else if (this.wasConnected) this.onState('reconnecting');
    else this.onState(state === 'new' ? state : 'connecting');
  }

  /**
   * Restarts ICE (it renegotiates, with fresh candidates and relay allocations), and again every RETRY_MS while
   * the connection is not back, at most MAX_RESTARTS times; not connected within RESTART_GRACE_MS of the first
   * restart, the peer has failed for good. A recovery under way is left to its timers.
   */
  recover() {
    if (this.closed || this.restarts > 0) return;
    this.clearTimer('disconnectedTimer');
    this.graceTimer = this.timers.setTimeout(() => {
      this.graceTimer = null;
      if (this.closed || this.pc.connectionState === 'connected') return;
      this.stopRecovery();
      this.onState('failed');
    }, RESTART_GRACE_MS);
    this.restart();
  }

  restart() {
    this.restarts += 1;
    this.pc.restartIce();
    if (this.restarts >= MAX_RESTARTS) return;
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed && this.pc.connectionState !== 'connected') this.restart();
    }, RETRY_MS);
  }

  stopRecovery() {
    this.clearTimer('disconnectedTimer');
    this.clearTimer('retryTimer');
    this.clearTimer('graceTimer');
    this.restarts = 0;
  }

  clearTimer(name) {
    if (this[name] !== null) this.timers.clearTimeout(this[name]);
    this[name] = null;
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.stopRecovery();
    const { pc } = this;
    pc.onnegotiationneeded = pc.onicecandidate = pc.ontrack = pc.onconnectionstatechange = null;
    pc.close();
  }
}

function isStopped(transceiver) {
  return transceiver.currentDirection === 'stopped' || transceiver.direction === 'stopped';
}
