// The encrypted file format (docs/PROTOCOL.md, "Files"): a fresh AES-256-GCM key per file, the plaintext cut into
// chunks, each sealed with an IV and an AAD made of its index and a last-chunk flag. No DOM: runs in browsers and
// in Node.

import { open, seal, TAG_BYTES } from '../crypto.js';
import { fromBase64Url, toBase64Url, utf8Encode } from '../encoding.js';

export const CHUNK_BYTES = 1_048_576;
/** The largest ciphertext of one chunk: a full chunk and its tag. */
export const MAX_CHUNK_CT_BYTES = CHUNK_BYTES + TAG_BYTES;
export const FILE_KEY_BYTES = 32;
export const SHA256_BYTES = 32;
/** The client's largest file (plaintext bytes); a server may allow less, and then refuses with file_too_large. */
export const MAX_FILE_BYTES = 26_214_400;
export const AAD_LABEL = 'sotto/file/v1';

const IV_BYTES = 12;
const MAX_INDEX = 0xffff_ffff;
const LABEL = utf8Encode(AAD_LABEL);

const subtle = () => globalThis.crypto.subtle;

/** A file this client does not send or take: more plaintext bytes than MAX_FILE_BYTES. */
export class FileTooLargeError extends Error {
  constructor(size, limit = MAX_FILE_BYTES) {
    super(`the file has ${size} bytes, more than ${limit}`);
    this.name = 'FileTooLargeError';
    this.size = size;
    this.limit = limit;
  }
}

/**
 * A file that is not what its announcement says. `reason`: 'announcement' (a malformed file object), 'chunk' (a
 * chunk that does not decrypt under its index and last flag: altered, moved, dropped or truncated), 'size' (a chunk
 * or the whole file of another length than announced), 'hash' (the plaintext's SHA-256 differs).
 */
export class FileIntegrityError extends Error {
  constructor(reason, message) {
    super(message);
    this.name = 'FileIntegrityError';
    this.reason = reason;
  }
}

/** Chunks of a file of `size` bytes: a 0-byte file is one empty chunk. */
export function chunkCount(size) {
  if (!Number.isSafeInteger(size) || size < 0) throw new TypeError('bad size');
  return Math.max(1, Math.ceil(size / CHUNK_BYTES));
}

/** Plaintext bytes of chunk `index` of a file of `size` bytes (every chunk is full but the last). */
export function chunkPlainBytes(size, index) {
  const count = chunkCount(size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) throw new RangeError('bad chunk index');
  return index < count - 1 ? CHUNK_BYTES : size - (count - 1) * CHUNK_BYTES;
}

/** The ciphertext bytes of a whole file (what the server is told when the file is created). */
export function ciphertextBytes(size) {
  return size + chunkCount(size) * TAG_BYTES;
}

function checkIndex(index) {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_INDEX) throw new RangeError('bad chunk index');
}

function putUint32(bytes, offset, value) {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(offset, value, false);
}

/**
 * IV of chunk `index`: 8 zero bytes, then the index as uint32 big-endian. A counter is safe here because a key
 * seals one file only, and each of its chunks once.
 */
export function chunkIv(index) {
  checkIndex(index);
  const iv = new Uint8Array(IV_BYTES);
  putUint32(iv, 8, index);
  return iv;
}

/**
 * AAD of chunk `index`: UTF-8 "sotto/file/v1", the index as uint32 big-endian, then 1 for the last chunk, else 0.
 * The IV already binds the index; the AAD names the format and carries the last flag, so a file cut after a full
 * chunk (whose flag was 0) is refused.
 */
export function chunkAad(index, last) {
  checkIndex(index);
  if (typeof last !== 'boolean') throw new TypeError('bad last flag');
  const aad = new Uint8Array(LABEL.length + 5);
  aad.set(LABEL);
  putUint32(aad, LABEL.length, index);
  aad[LABEL.length + 4] = last ? 1 : 0;
  return aad;
}

async function importRaw(raw) {
  return subtle().importKey('raw', raw, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/**
 * A fresh random file key: `cryptoKey` (non-extractable) seals the chunks, `key` (base64url of the 32 bytes) goes
 * into the announcement, encrypted with the room's key like every chat message.
 */
export async function newFileKey() {
  const raw = globalThis.crypto.getRandomValues(new Uint8Array(FILE_KEY_BYTES));
  return { cryptoKey: await importRaw(raw), key: toBase64Url(raw) };
}

/** The non-extractable CryptoKey of an announcement's `key`; throws a FileIntegrityError if it is not 32 bytes. */
export async function importFileKey(key) {
  const raw = fromBase64Url(key);
  if (!raw || raw.length !== FILE_KEY_BYTES) throw new FileIntegrityError('announcement', 'bad file key');
  return importRaw(raw);
}

/** Seals chunk `index` (last: whether it ends the file): AES-GCM output, data then the 16-byte tag. */
export async function encryptChunk(cryptoKey, index, last, plaintext) {
  if (plaintext.byteLength > CHUNK_BYTES) throw new RangeError('a chunk holds at most CHUNK_BYTES bytes');
  const { ct } = await seal(cryptoKey, chunkAad(index, last), plaintext, chunkIv(index));
  return ct;
}

/** Opens chunk `index`; throws a FileIntegrityError ('chunk') when it was not sealed as exactly that chunk. */
export async function decryptChunk(cryptoKey, index, last, ciphertext) {
  const iv = chunkIv(index);
  const aad = chunkAad(index, last);
  try {
    return await open(cryptoKey, aad, iv, ciphertext);
  } catch {
    throw new FileIntegrityError('chunk', `chunk ${index} does not decrypt as chunk ${index} of this file`);
  }
}

/** SHA-256 of bytes (a Uint8Array or an ArrayBuffer), as 32 bytes. */
export async function sha256(data) {
  return new Uint8Array(await subtle().digest('SHA-256', data));
}

/** SHA-256 of bytes, base64url: the announcement's `sha256`. */
export async function sha256Base64Url(data) {
  return toBase64Url(await sha256(data));
}
