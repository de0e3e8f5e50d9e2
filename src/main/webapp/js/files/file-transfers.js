// A room's file transfers: a picked, dropped or pasted file is prepared (an image is re-encoded without its
// metadata and gets a thumbnail), encrypted and uploaded chunk by chunk, then announced in a signed chat envelope
// that carries its key; a file shown in the room is downloaded and decrypted on request. One upload at a time, in
// the order given. No DOM: the view gets progress and errors through `report`.

import { downloadFile } from './download.js';
import { isScrubbableImage, makeThumbnail, scrubImage } from './image-scrub.js';
import { FileTooLargeError, MAX_FILE_BYTES, uploadFile } from './upload.js';
import { toBase64Url } from '../encoding.js';

export const MAX_NAME_CHARS = 255;
const MAX_MIME_CHARS = 127;
const FALLBACK_MIME = 'application/octet-stream';
const EXTENSION_OF = { 'image/jpeg': '.jpg', 'image/png': '.png' };

/** A name the envelope can carry: at most 255 characters, the extension kept. */
export function fileName(name, fallback) {
  const cleaned = typeof name === 'string' ? name.replace(/[\u0000-\u001f\u007f]/g, '').trim() : '';
  const text = cleaned !== '' ? cleaned : fallback;
  if (text.length <= MAX_NAME_CHARS) return text;
  const dot = text.lastIndexOf('.');
  const extension = dot > 0 && text.length - dot <= 16 ? text.slice(dot) : '';
  return text.slice(0, MAX_NAME_CHARS - extension.length) + extension;
}

/** A re-encoded image may change type (WebP becomes JPEG): its name follows. */
function renamedFor(name, mime) {
  const extension = EXTENSION_OF[mime];
  if (!extension) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const current = dot > 0 ? name.slice(dot).toLowerCase() : '';
  if (current === extension || (extension === '.jpg' && current === '.jpeg')) return name;
  return fileName(stem + extension, stem + extension);
}

export class FileTransfers {
  /**
   * @param {object} o
   * @param {object} o.api  from createApi()
   * @param {() => ({ roomId: string, token: string } | null)} o.access  the room and session token, null when gone
   * @param {(file: object) => Promise<void>} o.announce  seals and queues the chat envelope that carries the file
   * @param {object} o.report  { progress(name, done, total), finished(), failed(name, error) }
   * @param {string} o.pastedName  the name given to a pasted image that has none
   */
  constructor({ api, access, announce, report, pastedName }) {
    Object.assign(this, { api, access, announce, report, pastedName });
    this.queue = Promise.resolve();
    this.uploading = null; // AbortController of the upload under way
    this.downloads = new Set();
    this.disposed = false;
  }

  /** Sends files one after another; each one's failure is reported and does not stop the next. */
  send(files) {
    for (const file of files) {
      this.queue = this.queue.then(() => this.sendOne(file));
    }
    return this.queue;
  }

  async sendOne(blob) {
    const name = fileName(blob.name, this.pastedName);
    const where = this.access();
    if (!where || this.disposed) return;
    const controller = new AbortController();
    this.uploading = controller;
    try {
      if (blob.size > MAX_FILE_BYTES) throw new FileTooLargeError(blob.size, MAX_FILE_BYTES);
      this.report.progress(name, 0, blob.size);
      const prepared = await this.prepare(blob, name);
      const sent = await uploadFile({
        api: this.api,
        roomId: where.roomId,
        token: where.token,
        blob: prepared.blob,
        signal: controller.signal,
        onProgress: ({ loaded, total }) => this.report.progress(prepared.name, loaded, total),
      });
      await this.announce({
        id: sent.id,
        key: sent.key,
        name: prepared.name,
        mime: prepared.mime,
        size: sent.size,
        chunks: sent.chunks,
        sha256: sent.sha256,
        ...prepared.thumbnail,
      });
      this.report.finished();
    } catch (error) {
      if (!this.disposed) this.report.failed(name, error);
    } finally {
      if (this.uploading === controller) this.uploading = null;
    }
  }

  /** An image without its metadata (re-encoded) and its thumbnail; any other file as it is. */
  async prepare(blob, name) {
    const mime = typeof blob.type === 'string' && blob.type !== '' && blob.type.length <= MAX_MIME_CHARS
      ? blob.type : FALLBACK_MIME;
    if (!isScrubbableImage(mime)) return { blob, name, mime, thumbnail: {} };
    const clean = await scrubImage(blob);
    if (clean.size > MAX_FILE_BYTES) throw new FileTooLargeError(clean.size, MAX_FILE_BYTES);
    const thumb = await makeThumbnail(clean);
    return {
      blob: clean,
      name: renamedFor(name, clean.type),
      mime: clean.type,
      thumbnail: { thumb: toBase64Url(thumb.bytes), w: thumb.w, h: thumb.h },
    };
  }

  /** Stops the upload under way (its partial file is deleted on the server); queued files are still sent. */
  cancel() {
    this.uploading?.abort();
  }

  /**
   * Downloads and decrypts a file announced in the room: a Blob of its type, checked against its hash.
   * `onProgress(loaded, total)` follows each chunk (plaintext bytes).
   */
  async open(file, onProgress = () => {}) {
    const where = this.access();
    if (!where) throw new Error('room gone');
    const controller = new AbortController();
    this.downloads.add(controller);
    try {
      return await downloadFile({
        api: this.api,
        roomId: where.roomId,
        token: where.token,
        file,
        onProgress: ({ loaded, total }) => onProgress(loaded, total),
        signal: controller.signal,
      });
    } finally {
      this.downloads.delete(controller);
    }
  }

  /** The room is left: every transfer stops. */
  dispose() {
    this.disposed = true;
    this.uploading?.abort();
    for (const controller of this.downloads) controller.abort();
    this.downloads.clear();
  }
}
