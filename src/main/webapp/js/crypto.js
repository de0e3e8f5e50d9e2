// Key derivation and authenticated encryption. Pure WebCrypto: runs in browsers and in Node.

import { toBase64Url, utf8Encode } from './encoding.js';

export const ROOM_ID_INFO = 'sotto/v1/room-id';
export const ROOM_KEY_INFO = 'sotto/v1/room-key';
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

const subtle = () => globalThis.crypto.subtle;

function hkdfParams(info) {
  return { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8Encode(info) };
}

async function importCode(codeBytes) {
  return subtle().importKey('raw', codeBytes, 'HKDF', false, ['deriveBits', 'deriveKey']);
}

/** Room ID: HKDF-SHA256(code, info "sotto/v1/room-id") → 32 bytes → base64url. */
export async function deriveRoomId(codeBytes) {
  const ikm = await importCode(codeBytes);
  const bits = await subtle().deriveBits(hkdfParams(ROOM_ID_INFO), ikm, 256);
  return toBase64Url(new Uint8Array(bits));
}

/** Room key: HKDF-SHA256(code, info "sotto/v1/room-key") → non-extractable AES-256-GCM key. */
export async function deriveRoomKey(codeBytes) {
  const ikm = await importCode(codeBytes);
  return subtle().deriveKey(
    hkdfParams(ROOM_KEY_INFO), ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'],
  );
}

/**
 * Encrypts plaintext bytes bound to aad bytes. A fresh random IV is drawn unless one is given: tests pin
 * ciphertexts that way, and file chunks use counter IVs under a key that seals one file only (files/file-crypto.js).
 * Envelopes always draw a random one outside tests.
 * Returns { iv, ct } as Uint8Arrays; ct includes the 16-byte tag.
 */
export async function seal(key, aad, plaintext, iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES))) {
  if (iv.length !== IV_BYTES) throw new TypeError('the IV is 12 bytes');
  const ct = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, plaintext);
  return { iv, ct: new Uint8Array(ct) };
}

/** Decrypts and authenticates; throws when the key, IV, AAD or ciphertext do not match. */
export async function open(key, aad, iv, ct) {
  if (iv.length !== IV_BYTES || ct.length < TAG_BYTES) throw new Error('malformed envelope');
  const plain = await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, ct);
  return new Uint8Array(plain);
}
