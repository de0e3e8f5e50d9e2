// What two members compare to know their keys were not substituted (docs/PROTOCOL.md, "Trust inside a room"):
// a member's fingerprint, the pair's 12-digit safety code, and the short key tag that tells equal nicknames apart.

import { fromBase64Url, utf8Encode } from '../encoding.js';
import { toCrockford } from '../roomcode.js';

export const SAFETY_LABEL = 'sotto/v2/safety';
export const MEMBER_LABEL = 'sotto/v2/member';
const POINT_BYTES = 65;
const TAG_BYTES = 5;
const CODE_MODULUS = 10n ** 12n;

const sha256 = async (bytes) => new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function point(b64) {
  const raw = fromBase64Url(b64);
  if (!raw || raw.length !== POINT_BYTES) throw new TypeError('a public key is a raw 65-byte point');
  return raw;
}

function compare(a, b) {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** fp = SHA-256(raw sig point ‖ raw dh point). */
export async function fingerprint({ sig, dh }) {
  return sha256(concat(point(sig), point(dh)));
}

/**
 * The first 8 bytes of SHA-256("sotto/v2/safety" ‖ roomIdBytes ‖ min(fpA, fpB) ‖ max(fpA, fpB)), big-endian,
 * modulo 10^12, as "dddd dddd dddd": the same whichever member computes it.
 */
export async function safetyCode(roomId, keysA, keysB) {
  const roomBytes = fromBase64Url(roomId);
  if (!roomBytes) throw new TypeError('bad room ID');
  const [a, b] = await Promise.all([fingerprint(keysA), fingerprint(keysB)]);
  const [low, high] = compare(a, b) <= 0 ? [a, b] : [b, a];
  return twelveDigits(await sha256(concat(utf8Encode(SAFETY_LABEL), roomBytes, low, high)));
}

function twelveDigits(digest) {
  const value = new DataView(digest.buffer).getBigUint64(0, false) % CODE_MODULUS;
  return value.toString().padStart(12, '0').match(/.{4}/g).join(' ');
}

/**
 * A knocking newcomer's code, before the owner and the newcomer can have a pair code: the first 8 bytes of
 * SHA-256("sotto/v2/member" ‖ roomIdBytes ‖ fp), as "dddd dddd dddd". The newcomer's page shows it; the owner sees
 * it beside the knock.
 */
export async function memberCode(roomId, keys) {
  const roomBytes = fromBase64Url(roomId);
  if (!roomBytes) throw new TypeError('bad room ID');
  return twelveDigits(await sha256(concat(utf8Encode(MEMBER_LABEL), roomBytes, await fingerprint(keys))));
}

/** Crockford base32 of the fingerprint's first 5 bytes: 8 characters. */
export async function keyTag(keys) {
  return toCrockford((await fingerprint(keys)).subarray(0, TAG_BYTES));
}
