// Images leave the browser re-encoded: their metadata stays behind, and a small thumbnail travels in the
// announcement. Browser only (createImageBitmap, canvas).
//
// Why re-encoding removes metadata: EXIF (camera, time, GPS position), XMP, IPTC, ICC profiles and comments are
// segments or chunks beside the pixel data in a JPEG, PNG or WebP file. Decoding keeps only the pixels (the EXIF
// orientation is applied to them, so the picture stays upright), and the canvas encoder writes a new file from those
// pixels alone: nothing of the original file's bytes, hence none of its metadata, reaches the output. Editing the
// file in place instead would have to know every metadata format, including vendors' private ones.

import { MAX_IMAGE_SIDE, THUMB_FIT_BYTES } from '../protocol.js';

/** Types that are re-encoded. GIF is not (re-encoding would keep one frame of an animation): it is sent as a file. */
const SCRUBBABLE = new Set(['image/jpeg', 'image/png', 'image/webp']);
const JPEG_QUALITY = 0.9;
const THUMB_SIDE = 160;
const THUMB_QUALITIES = [0.8, 0.65, 0.5, 0.35];
const THUMB_SHRINK = 0.75;
const THUMB_MIN_SIDE = 24;

export function isScrubbableImage(mime) {
  return SCRUBBABLE.has(mime);
}

async function decode(blob) {
  return createImageBitmap(blob, { imageOrientation: 'from-image' });
}

function canvasOf(width, height) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

/** Draws the bitmap at width x height; under a JPEG, transparent pixels become white rather than black. */
function draw(bitmap, width, height, opaque) {
  const canvas = canvasOf(width, height);
  const context = canvas.getContext('2d');
  if (opaque) {
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
  }
  context.drawImage(bitmap, 0, 0, width, height);
  return canvas;
}

function encode(canvas, type, quality) {
  if (typeof canvas.convertToBlob === 'function') return canvas.convertToBlob({ type, quality });
  return new Promise((resolve, reject) => {
    const done = (blob) => (blob ? resolve(blob) : reject(new Error('the image could not be encoded')));
    canvas.toBlob(done, type, quality);
  });
}

/**
 * The image re-encoded from its pixels alone: PNG stays PNG (lossless, transparency kept), JPEG and WebP become
 * JPEG at quality 0.9. Rejects when the browser cannot decode the image.
 */
export async function scrubImage(blob) {
  const bitmap = await decode(blob);
  try {
    const png = blob.type === 'image/png';
    const canvas = draw(bitmap, bitmap.width, bitmap.height, !png);
    return await encode(canvas, png ? 'image/png' : 'image/jpeg', png ? undefined : JPEG_QUALITY);
  } finally {
    bitmap.close();
  }
}

/**
 * A JPEG thumbnail of the image, its longest side at most 160 px and at most `maxBytes` bytes (lower qualities,
 * then smaller sides, until it fits) → { bytes (Uint8Array), w, h } with w and h the image's own size (upright).
 * Rejects when the image cannot be decoded, is larger than a file message may state, or no thumbnail fits.
 */
export async function makeThumbnail(blob, { maxBytes = THUMB_FIT_BYTES } = {}) {
  const bitmap = await decode(blob);
  try {
    const { width: w, height: h } = bitmap;
    if (w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE) throw new RangeError('the image is too large for a thumbnail');
    const longest = Math.max(w, h);
    for (let side = Math.min(THUMB_SIDE, longest); ; side = Math.floor(side * THUMB_SHRINK)) {
      const scale = side / longest;
      const canvas = draw(bitmap, Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale)), true);
      for (const quality of THUMB_QUALITIES) {
        const thumb = await encode(canvas, 'image/jpeg', quality);
        if (thumb.size <= maxBytes) return { bytes: new Uint8Array(await thumb.arrayBuffer()), w, h };
      }
      if (side * THUMB_SHRINK < THUMB_MIN_SIDE) break;
    }
    throw new RangeError('no thumbnail fits');
  } finally {
    bitmap.close();
  }
}
