// What one browser knows about the members of one room: their pinned public keys, whom the person marked
// verified, the room's epoch keys, and, for the owner, which member already holds the newest epoch.
// No DOM and no I/O: the room feeds it opened envelopes and asks it what to seal with and what to hand over.

import { EpochKeys, newEpochSecret, unwrapEpochKey, wrapEpochKey } from './epochs.js';
import { keyTag, safetyCode } from './safety-code.js';

/** The most wraps one hand-over message carries (PROTOCOL.md: a chat ciphertext holds about 100). */
export const WRAPS_PER_HANDOVER = 60;

const sameKeys = (a, b) => a.sig === b.sig && a.dh === b.dh;

export class RoomTrust {
  /**
   * @param {object} o
   * @param {string} o.roomId
   * @param {CryptoKey} o.epoch0Key  the key derived from the room code
   */
  constructor({ roomId, epoch0Key }) {
    this.roomId = roomId;
    this.keyring = new EpochKeys(epoch0Key);
    this.own = null; // { sessionId, keys } from createMemberKeys()
    this.members = new Map(); // sessionId -> { keys, tag }
    this.verified = new Set();
    this.handedTo = new Map(); // epoch -> Set of sessionIds that got a wrap of it
    this.heldBelow = -1; // >= 0: outgoing chat waits for an epoch above this one (a member was removed)
  }

  setOwn(sessionId, keys) {
    this.own = { sessionId, keys };
    this.members.set(sessionId, { keys: keys.publicKeys, tag: null });
  }

  keysOf(sessionId) {
    return this.members.get(sessionId)?.keys ?? null;
  }

  /**
   * Pins the keys a verified profile (or knock) announced. Returns 'new' the first time, 'same' when they are
   * the pinned ones, 'changed' when they replace other keys (the member is then no longer verified).
   */
  async pin(sessionId, keys) {
    const known = this.members.get(sessionId);
    if (known && sameKeys(known.keys, keys)) return 'same';
    this.members.set(sessionId, { keys, tag: await keyTag(keys) });
    if (!known) return 'new';
    this.verified.delete(sessionId);
    return 'changed';
  }

  forget(sessionId) {
    this.members.delete(sessionId);
    this.verified.delete(sessionId);
  }

  tagOf(sessionId) {
    return this.members.get(sessionId)?.tag ?? null;
  }

  isVerified(sessionId) {
    return this.verified.has(sessionId);
  }

  setVerified(sessionId, verified) {
    if (verified && this.members.has(sessionId)) this.verified.add(sessionId);
    else this.verified.delete(sessionId);
  }

  /** The 12-digit code this person and the member compare, or null while the member's keys are unknown. */
  async safetyCodeWith(sessionId) {
    const theirs = this.keysOf(sessionId);
    if (!theirs || !this.own) return null;
    return safetyCode(this.roomId, this.own.keys.publicKeys, theirs);
  }

  // ---- epochs ----

  /** What outgoing envelopes are sealed with: the newest epoch held. */
  get sealing() {
    return this.keyring.highest;
  }

  /** After a member's removal: hold outgoing chat until an epoch above the current one arrives. */
  holdForNewEpoch() {
    this.heldBelow = this.keyring.highest.epoch;
  }

  get holding() {
    return this.heldBelow >= 0 && this.keyring.highest.epoch <= this.heldBelow;
  }

  /**
   * Takes a hand-over that verified under its sender's pinned key. Records who got which epoch (any member may
   * have to hand the room's epoch on later, as its next owner), and unwraps this browser's wrap if there is one.
   * Returns the epoch newly held, or null.
   */
  async acceptHandover(from, handover) {
    const { epoch, wraps } = handover;
    const holders = this.handedTo.get(epoch) ?? new Set();
    for (const wrap of wraps) holders.add(wrap.to);
    holders.add(from);
    this.handedTo.set(epoch, holders);
    if (!this.own || this.keyring.has(epoch)) return null;
    const mine = wraps.find((w) => w.to === this.own.sessionId);
    const sender = this.keysOf(from);
    if (!mine || !sender) return null;
    const raw = await unwrapEpochKey({
      ownDhPrivate: this.own.keys.dh.privateKey,
      peerDhPublic: sender.dh,
      roomId: this.roomId,
      epoch,
      ownerId: from,
      memberId: this.own.sessionId,
      iv: mine.iv,
      ct: mine.ct,
    });
    if (!raw) return null;
    await this.keyring.add(epoch, raw);
    return epoch;
  }

  /** The owner starts a new epoch (after a removal); returns its number. */
  async startEpoch() {
    const epoch = this.keyring.highest.epoch + 1;
    await this.keyring.add(epoch, newEpochSecret());
    this.handedTo.set(epoch, new Set([this.own.sessionId]));
    return epoch;
  }

  /** Members whose keys are known and who do not hold the newest epoch (none while it is epoch 0). */
  missingNewest(candidates) {
    const { epoch } = this.keyring.highest;
    if (epoch === 0 || !this.keyring.raw(epoch)) return [];
    const holders = this.handedTo.get(epoch) ?? new Set();
    return candidates.filter((id) => id !== this.own?.sessionId && !holders.has(id) && this.keysOf(id));
  }

  /** Wraps the newest epoch for these members: hand-over bodies of at most WRAPS_PER_HANDOVER wraps each. */
  async handoversFor(memberIds) {
    const { epoch } = this.keyring.highest;
    const raw = this.keyring.raw(epoch);
    if (!raw || memberIds.length === 0) return [];
    const wraps = await Promise.all(memberIds.map((memberId) => wrapEpochKey({
      ownDhPrivate: this.own.keys.dh.privateKey,
      peerDhPublic: this.keysOf(memberId).dh,
      roomId: this.roomId,
      epoch,
      ownerId: this.own.sessionId,
      memberId,
      raw,
    })));
    const holders = this.handedTo.get(epoch) ?? new Set();
    memberIds.forEach((id) => holders.add(id));
    this.handedTo.set(epoch, holders);
    const bodies = [];
    for (let i = 0; i < wraps.length; i += WRAPS_PER_HANDOVER) {
      bodies.push({ epoch, wraps: wraps.slice(i, i + WRAPS_PER_HANDOVER) });
    }
    return bodies;
  }
}
