// Uploading a file: hash it, encrypt it chunk by chunk under a fresh key, and send the chunks in order
// (docs/PROTOCOL.md, "Files"). Returns what the file's announcement needs; the caller seals that into the room.

import {
  chunkCount, chunkPlainBytes, CHUNK_BYTES, ciphertextBytes, encryptChunk, FileTooLargeError, MAX_CHUNK_CT_BYTES,
  MAX_FILE_BYTES, newFileKey, sha256Base64Url,
} from './file-crypto.js';

export { FileTooLargeError, MAX_FILE_BYTES };

/**
 * Encrypts and uploads `blob` to room `roomId` with the session `token` through `api` (createApi's). Refuses a blob
 * over MAX_FILE_BYTES with a FileTooLargeError before any request. `onProgress({ loaded, total })` (plaintext bytes)
 * follows each stored chunk. `signal` (an AbortSignal) stops it.
 * Resolves to `{ id, key, size, chunks, sha256 }` (key and sha256 base64url), the announcement's fields besides
 * name, type and thumbnail. Rejects with the first failure: an ApiError (with the server's code, file_too_large
 * for a server that takes less), the signal's reason, or the blob's read error; a file already created is then
 * deleted, as far as the server can be reached.
 */
export async function uploadFile({
  api, roomId, token, blob, onProgress = () => {}, signal,
}) {
  const { size } = blob;
  if (size > MAX_FILE_BYTES) throw new FileTooLargeError(size);
  signal?.throwIfAborted();
  // WebCrypto has no incremental digest: the whole plaintext is read once for the hash (at most 25 MiB), before
  // anything reaches the server, so a file that cannot be read leaves nothing behind.
  const sha256 = await sha256Base64Url(await blob.arrayBuffer());
  signal?.throwIfAborted();
  const { cryptoKey, key } = await newFileKey();
  const chunks = chunkCount(size);
  const { fileId, chunkBytes } = await api.createFile(
    roomId, token, { chunks, bytes: ciphertextBytes(size) }, { signal },
  );
  try {
    if (chunkBytes < MAX_CHUNK_CT_BYTES) throw new Error(`the server takes chunks of ${chunkBytes} bytes only`);
    let loaded = 0;
    for (let index = 0; index < chunks; index += 1) {
      signal?.throwIfAborted();
      const plainBytes = chunkPlainBytes(size, index);
      const start = index * CHUNK_BYTES;
      const plaintext = new Uint8Array(await blob.slice(start, start + plainBytes).arrayBuffer());
      if (plaintext.length !== plainBytes) throw new Error('the file changed while it was read');
      const ciphertext = await encryptChunk(cryptoKey, index, index === chunks - 1, plaintext);
      await api.putChunk(roomId, token, fileId, index, ciphertext, { signal });
      loaded += plainBytes;
      onProgress({ loaded, total: size });
    }
  } catch (error) {
    try {
      await api.deleteFile(roomId, token, fileId);
    } catch {
      // Best effort: an incomplete file is never served, and it goes with its room.
    }
    throw error;
  }
  return {
    id: fileId, key, size, chunks, sha256,
  };
}
