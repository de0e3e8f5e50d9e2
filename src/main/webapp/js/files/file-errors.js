// Why a file could not be sent or opened, in the person's words (the catalogs' files.* texts).

import { ApiError } from '../api.js';
import { msg } from '../i18n.js';
import { fileSize } from '../views/file-card.js';
import { FileIntegrityError } from './download.js';
import { FileTooLargeError, MAX_FILE_BYTES } from './upload.js';

const isAbort = (error) => error?.name === 'AbortError';

export function describeUploadError(name, error) {
  if (error instanceof FileTooLargeError || (error instanceof ApiError && error.code === 'file_too_large')) {
    return msg('files.tooLarge', { name, max: fileSize(MAX_FILE_BYTES) });
  }
  if (isAbort(error)) return msg('files.cancelled', { name });
  if (error instanceof ApiError) {
    if (error.status === 429) return msg('files.tooFast', { name, seconds: error.retryAfterSeconds ?? 60 });
    if (error.code === 'server_full') return msg('files.serverFull', { name });
  }
  return msg('files.failed', { name });
}

export function describeDownloadError(error) {
  if (error instanceof FileIntegrityError) return msg('files.corrupt');
  if (error instanceof ApiError && (error.status === 404 || error.status === 401)) return msg('files.gone');
  return msg('files.downloadFailed');
}
