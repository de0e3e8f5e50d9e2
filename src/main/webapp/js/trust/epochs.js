// Room keys after a removal (docs/PROTOCOL.md, "Epochs"): the keyring of every epoch key a member holds, and the
// wrapping of a new epoch's 32 bytes for one member under an ECDH-agreed key. No DOM: runs in Node too.

import { fromBase64Url, toBase64Url, utf8Encode } from '../encoding.js';

export const WRAP_LABEL = 'sotto/v2/wrap';
export const EPOCH_SECRET_BYTES = 32;
const IV_BYTES = 12;
const WRAPPED_BYTES = EPOCH_SECRET_BYTES + 16;
const POINT_BYTES = 65;
const AES = { name: 'AES-GCM', length: 256 };
const subtle = () => globalThis.crypto.subtle;

export const isEpoch = (v) => Number.isSafeInteger(v) && v >= 0;

/** The epoch keys this member holds. Epoch 0 is derived from the room code and has no raw bytes. */
export class EpochKeys {
  constructor(epoch0Key) {
    this.keys = new Map([[0, { key: epoch0Key, raw: null }]]);
  }

  /** Adds epoch n ≥ 1 from its 32 bytes; an epoch already held is kept as it is. Resolves whether it was added. */
  async add(epoch, rawBytes) {
    if (!isEpoch(epoch) || epoch === 0) throw new TypeError('bad epoch');
    if (!(rawBytes instanceof Uint8Array) || rawBytes.length !== EPOCH_SECRET_BYTES) {
      throw new TypeError('an epoch key is 32 bytes');
    }
    if (this.keys.has(epoch)) return false;
    const raw = rawBytes.slice();
    const key = await subtle().importKey('raw', raw, AES, false, ['encrypt', 'decrypt']);
    if (this.keys.has(epoch)) return false;
    this.keys.set(epoch, { key, raw });
    return true;
  }

  has(epoch) {
    return this.keys.has(epoch);
  }

  /** The key to seal with. */
  get highest() {
    return this.newestFirst()[0];
  }

  /** Every epoch held, the highest first: the order in which envelopes are tried. */
  newestFirst() {
    return [...this.keys.entries()].sort(([a], [b]) => b - a).map(([epoch, { key }]) => ({ epoch, key }));
  }

  /** A copy of the raw bytes of an epoch (to wrap it for a member who lacks it), or null. */
  raw(epoch) {
    return this.keys.get(epoch)?.raw?.slice() ?? null;
  }
}

/** A new epoch's key: 32 random bytes. */
export function newEpochSecret(random = globalThis.crypto) {
  return random.getRandomValues(new Uint8Array(EPOCH_SECRET_BYTES));
}

/** AAD = UTF-8 of JSON.stringify(["sotto/v2/wrap", roomId, epoch, ownerSessionId, memberSessionId]). */
export function wrapAad(roomId, epoch, ownerId, memberId) {
  return utf8Encode(JSON.stringify([WRAP_LABEL, roomId, epoch, ownerId, memberId]));
}

/** AES-256-GCM key from HKDF-SHA256(ECDH(own, peer), salt = room ID bytes, info "sotto/v2/wrap"). */
async function wrappingKey(ownDhPrivate, peerDhPublic, roomId) {
  const peerRaw = fromBase64Url(peerDhPublic);
  const salt = fromBase64Url(roomId);
  if (!peerRaw || peerRaw.length !== POINT_BYTES || !salt) throw new TypeError('bad key or room ID');
  const peer = await subtle().importKey('raw', peerRaw, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const shared = await subtle().deriveBits({ name: 'ECDH', public: peer }, ownDhPrivate, 256);
  const ikm = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: utf8Encode(WRAP_LABEL) }, ikm, AES, false, ['encrypt', 'decrypt'],
  );
}

/** The owner wraps an epoch's 32 bytes for one member: { to, iv, ct }. `iv` is for tests only. */
export async function wrapEpochKey({
  ownDhPrivate, peerDhPublic, roomId, epoch, ownerId, memberId, raw,
  iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES)),
}) {
  if (!isEpoch(epoch) || epoch === 0) throw new TypeError('bad epoch');
  if (!(raw instanceof Uint8Array) || raw.length !== EPOCH_SECRET_BYTES) {
    throw new TypeError('an epoch key is 32 bytes');
  }
  const key = await wrappingKey(ownDhPrivate, peerDhPublic, roomId);
  const ct = await subtle().encrypt(
    { name: 'AES-GCM', iv, additionalData: wrapAad(roomId, epoch, ownerId, memberId), tagLength: 128 }, key, raw,
  );
  return { to: memberId, iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
}

/** A member unwraps its wrap from the owner: the 32 bytes, or null when anything does not match. */
export async function unwrapEpochKey({
  ownDhPrivate, peerDhPublic, roomId, epoch, ownerId, memberId, iv, ct,
}) {
  try {
    const ivBytes = fromBase64Url(iv);
    const ctBytes = fromBase64Url(ct);
    if (!isEpoch(epoch) || epoch === 0 || ivBytes?.length !== IV_BYTES || ctBytes?.length !== WRAPPED_BYTES) {
      return null;
    }
    const key = await wrappingKey(ownDhPrivate, peerDhPublic, roomId);
    const raw = await subtle().decrypt(
      { name: 'AES-GCM', iv: ivBytes, additionalData: wrapAad(roomId, epoch, ownerId, memberId), tagLength: 128 },
      key, ctBytes,
    );
    return new Uint8Array(raw);
  } catch {
    return null;
  }
}
