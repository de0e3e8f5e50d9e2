// Downloading a file announced in the room: fetch its chunks from the Sotto API only, decrypt each as exactly the
// chunk it must be, and check the size and the hash the announcement states (docs/PROTOCOL.md, "Files").

import { TAG_BYTES } from '../crypto.js';
import { parseFileInfo } from '../protocol.js';
import {
  chunkPlainBytes, decryptChunk, FileIntegrityError, importFileKey, sha256Base64Url,
} from './file-crypto.js';

export { FileIntegrityError };

/**
 * Fetches, decrypts and checks the file that `file` (an opened announcement's file object) describes, through `api`
 * (createApi's) with the session `token`. `onProgress({ loaded, total })` (plaintext bytes) follows each chunk.
 * Resolves to a Blob of type `file.mime`. Rejects with a FileIntegrityError when the announcement is malformed
 * (parseFileInfo's rules, so also a size over MAX_FILE_BYTES) or anything differs from it (a chunk altered, moved,
 * missing, cut or of another size; the SHA-256 of the whole), an ApiError (file_not_found: deleted, or never
 * completed), or the signal's reason.
 */
export async function downloadFile({
  api, roomId, token, file, onProgress = () => {}, signal,
}) {
  const info = parseFileInfo(file);
  if (!info) throw new FileIntegrityError('announcement', 'malformed file announcement');
  const { size, chunks } = info;
  const cryptoKey = await importFileKey(info.key);
  // One buffer of the announced size (at most MAX_FILE_BYTES): it is hashed whole, then becomes the Blob.
  const plaintext = new Uint8Array(size);
  let loaded = 0;
  for (let index = 0; index < chunks; index += 1) {
    signal?.throwIfAborted();
    const ciphertext = await api.getChunk(roomId, token, info.id, index, { signal });
    // Every chunk but the last is full and the last holds the rest, so chunks of these sizes add up to `size`.
    const expected = chunkPlainBytes(size, index);
    const sealedBytes = expected + TAG_BYTES;
    if (ciphertext.length !== sealedBytes) {
      throw new FileIntegrityError('size', `chunk ${index} has ${ciphertext.length} bytes, not ${sealedBytes}`);
    }
    plaintext.set(await decryptChunk(cryptoKey, index, index === chunks - 1, ciphertext), loaded);
    loaded += expected;
    onProgress({ loaded, total: size });
  }
  if (await sha256Base64Url(plaintext) !== info.sha256) {
    throw new FileIntegrityError('hash', 'the file\'s SHA-256 differs from its announcement');
  }
  return new Blob([plaintext], { type: info.mime });
}
