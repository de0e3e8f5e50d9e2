// The room code: 16 random bytes shown as 26 characters of Crockford base32 in groups of four.
// It never leaves the browser except inside the URL fragment of an invite link.

export const CODE_BYTES = 16;
const CODE_CHARS = 26;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ALIASES = { O: '0', I: '1', L: '1' };

/** Makes a fresh 128-bit code with the platform's secure random source. */
export function generateCode(random = globalThis.crypto) {
  const bytes = new Uint8Array(CODE_BYTES);
  random.getRandomValues(bytes);
  return bytes;
}

/** Formats 16 bytes as "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XX". */
export function formatCode(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== CODE_BYTES) {
    throw new TypeError('a room code is 16 bytes');
  }
  return toCrockford(bytes).match(/.{1,4}/g).join('-');
}

/**
 * Crockford base32 of bytes as one big-endian bit string; a last partial character is padded with zero bits.
 * Also writes the members' key tags (trust/safety-code.js).
 */
export function toCrockford(bytes) {
  let chars = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      chars += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) chars += ALPHABET[(acc << (5 - bits)) & 31];
  return chars;
}

/**
 * Parses a typed or pasted code (case, spaces and dashes ignored; O→0, I/L→1).
 * Returns the 16 bytes, or null when the text is not a valid code.
 */
export function parseCode(text) {
  if (typeof text !== 'string') return null;
  const chars = text.replace(/[\s-]/g, '').toUpperCase().replace(/[OIL]/g, (c) => ALIASES[c]);
  if (chars.length !== CODE_CHARS) return null;
  const bytes = new Uint8Array(CODE_BYTES);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const ch of chars) {
    const value = ALPHABET.indexOf(ch);
    if (value < 0) return null;
    acc = (acc << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[o++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  if (bits !== 2 || acc !== 0) return null;
  return bytes;
}

/** Accepts either a bare code or a whole invite link ("https://host/#CODE"). */
export function parseCodeOrLink(text) {
  if (typeof text !== 'string') return null;
  const trimmed = text.trim();
  const hash = trimmed.lastIndexOf('#');
  return parseCode(hash >= 0 ? trimmed.slice(hash + 1) : trimmed);
}
