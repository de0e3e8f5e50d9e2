// A file in the message list: the thumbnail of an image (made by the sender's browser, carried encrypted in the
// envelope, shown from a data: URL), its name and size, and "Download", which fetches the encrypted chunks from
// Sotto's own API, decrypts and checks them in this page, and saves the file. Nothing is fetched from elsewhere.

import { msg, numberFormat, setAttr, setText } from '../i18n.js';
import { el } from './dom.js';

const UNITS = ['B', 'KB', 'MB', 'GB'];
/** How long the page keeps a saved file's object URL (the browser reads it when the download starts). */
const KEEP_URL_MS = 60_000;

/** "812 B", "1.4 MB", "25 MB": steps of 1024, one decimal below 10. */
export function fileSize(bytes) {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit > 0 && value < 10 ? 1 : 0;
  return `${numberFormat({ maximumFractionDigits: digits }).format(value)} ${UNITS[unit]}`;
}

/** Standard base64 (for a data: URL) of base64url text. */
function base64Of(base64url) {
  const plain = base64url.replace(/-/g, '+').replace(/_/g, '/');
  return plain + '='.repeat((4 - (plain.length % 4)) % 4);
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el('a', { attrs: { href: url, download: name, rel: 'noopener' } });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), KEEP_URL_MS);
}

/**
 * @param {object} file  the announced file (name, mime, size, thumb, w, h, …)
 * @param {(file: object, onProgress: Function) => Promise<Blob>} onDownload
 * @param {(error: Error) => object} describe  the msg() telling why a download failed
 */
export function fileCard(file, { onDownload, describe }) {
  const state = el('span', { className: 'file-state', attrs: { role: 'status' } });
  const download = el('button', { className: 'file-download', attrs: { type: 'button' } });
  setText(download, msg('files.download'));
  setAttr(download, 'aria-label', msg('files.downloadNamed', { name: file.name }));
  download.addEventListener('click', async () => {
    download.disabled = true;
    setText(state, msg('files.downloading', { percent: 0 }));
    try {
      const blob = await onDownload(file, (done, total) => {
        setText(state, msg('files.downloading', { percent: total > 0 ? Math.floor((done / total) * 100) : 0 }));
      });
      save(blob, file.name);
      setText(state, msg('files.saved'));
    } catch (error) {
      setText(state, describe(error));
    } finally {
      download.disabled = false;
    }
  });
  const thumb = file.thumb
    ? el('img', {
      className: 'file-thumb',
      attrs: {
        src: `data:image/jpeg;base64,${base64Of(file.thumb)}`,
        alt: file.name,
      },
    })
    : null;
  return el('div', { className: file.thumb ? 'file-card image' : 'file-card' },
    thumb,
    el('p', { className: 'file-line' },
      el('span', { className: 'file-name', text: file.name }),
      el('span', { className: 'file-size', text: fileSize(file.size) })),
    el('p', { className: 'file-actions' }, download, state));
}
