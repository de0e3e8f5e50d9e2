// Envelope signatures (docs/PROTOCOL.md, "Envelope"): ECDSA P-256 / SHA-256, IEEE P1363 (64 bytes), over a binding
// of kind, room, epoch, sender, counter and recipient with the body's exact text. No DOM: runs in Node too.

import { fromBase64Url, toBase64Url, utf8Encode } from '../encoding.js';

export const SIG_LABEL = 'sotto/v2/sig';
const SIG_BYTES = 64;
const POINT_BYTES = 65;
const ECDSA = { name: 'ECDSA', hash: 'SHA-256' };
const subtle = () => globalThis.crypto.subtle;

/** UTF-8 of JSON.stringify(["sotto/v2/sig", kind, roomId, epoch, from, counter, to or null, bodyText]). */
export function signatureInput({
  kind, roomId, epoch, from, counter, to = null,
}, bodyText) {
  return utf8Encode(JSON.stringify([SIG_LABEL, kind, roomId, epoch, from, counter, to, bodyText]));
}

/** Signs the binding and body text; returns the 64-byte P1363 signature, base64url. */
export async function sign(privateSignKey, binding, bodyText) {
  const sig = await subtle().sign(ECDSA, privateSignKey, signatureInput(binding, bodyText));
  return toBase64Url(new Uint8Array(sig));
}

// Public keys are imported once per page: every message of a member is checked against the same key.
const imported = new Map();
const MAX_IMPORTED = 256;

async function importPublic(publicSigB64) {
  let key = imported.get(publicSigB64);
  if (!key) {
    const raw = fromBase64Url(publicSigB64);
    if (!raw || raw.length !== POINT_BYTES) return null;
    key = await subtle().importKey('raw', raw, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    if (imported.size >= MAX_IMPORTED) imported.delete(imported.keys().next().value);
    imported.set(publicSigB64, key);
  }
  return key;
}

/** True only when sigB64 is a valid signature of the binding and body text under the raw public key. */
export async function verify(publicSigB64, binding, bodyText, sigB64) {
  try {
    const sig = fromBase64Url(sigB64);
    if (!sig || sig.length !== SIG_BYTES || typeof bodyText !== 'string') return false;
    const key = await importPublic(publicSigB64);
    return key !== null && await subtle().verify(ECDSA, key, sig, signatureInput(binding, bodyText));
  } catch {
    return false;
  }
}
