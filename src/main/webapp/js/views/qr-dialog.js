// The invite QR code dialog (#qr-dialog): draws a link as a QR code on a canvas, in the page. The QR library
// (qrcode-generator, shipped in the WAR under js/vendor/) is loaded on first use, so that the rest of the page never
// depends on it. Escape or "Close" closes the dialog, and focus goes back to the control that opened it.

import { t } from '../i18n.js';
import { byId, el } from './dom.js';

const LIBRARY = '../vendor/qrcode-generator/qrcode.mjs';
/** Empty modules around the code, as the QR specification asks for reliable scanning. */
const QUIET_ZONE = 4;
/** Aimed canvas size in pixels; each module gets a whole number of pixels. */
const TARGET_PIXELS = 288;

let library = null;

function loadLibrary() {
  library ??= import(LIBRARY).then((module) => module.default).catch((error) => {
    library = null;
    throw error;
  });
  return library;
}

/** Draws `text` as a QR code (byte mode, error correction M) on a new canvas, dark on light. */
function drawCode(qrcode, text) {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const modules = code.getModuleCount();
  const span = modules + 2 * QUIET_ZONE;
  const scale = Math.max(2, Math.floor(TARGET_PIXELS / span));
  const canvas = el('canvas', { className: 'qr-canvas', attrs: { role: 'img', 'aria-label': t('qr.image') } });
  canvas.width = span * scale;
  canvas.height = span * scale;
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#000000';
  for (let row = 0; row < modules; row += 1) {
    for (let col = 0; col < modules; col += 1) {
      if (code.isDark(row, col)) {
        context.fillRect((col + QUIET_ZONE) * scale, (row + QUIET_ZONE) * scale, scale, scale);
      }
    }
  }
  return canvas;
}

export function createQrDialog() {
  const dialog = byId('qr-dialog');
  const holder = byId('qr-code');
  const error = byId('qr-error');
  const closeButton = byId('qr-close');
  let opener = null;
  let shown = 0;

  closeButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    holder.replaceChildren();
    const back = opener;
    opener = null;
    if (back?.isConnected) back.focus();
  });

  return {
    /** Shows `link` as a QR code; `from` is the control that gets focus back when the dialog closes. */
    async show(link, from = document.activeElement) {
      const attempt = ++shown;
      opener = from;
      holder.replaceChildren();
      error.hidden = true;
      if (!dialog.open) dialog.showModal();
      try {
        const qrcode = await loadLibrary();
        if (attempt === shown && dialog.open) holder.replaceChildren(drawCode(qrcode, link));
      } catch {
        if (attempt === shown && dialog.open) {
          error.textContent = t('qr.failed');
          error.hidden = false;
        }
      }
    },
    close() {
      if (dialog.open) dialog.close();
    },
  };
}
