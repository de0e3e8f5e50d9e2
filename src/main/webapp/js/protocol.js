// The wire protocol (docs/PROTOCOL.md): frame builders, validating parsers, and the sealing and
// opening of chat and profile envelopes. No DOM: runs in browsers and in Node.

import { fromBase64Url, isBase64UrlOfLength, toBase64Url, utf8Decode, utf8Encode } from './encoding.js';
import { open, seal, TAG_BYTES } from './crypto.js';

export const VERSION = 'sotto/v1';
export const MAX_TEXT_CHARS = 4000;
export const MAX_NICK_CHARS = 40;
export const MAX_CT_BYTES = { chat: 16384, profile: 1024, signal: 16384 };

const ID_BYTES = 16;
const TOKEN_BYTES = 32;
const IV_BYTES = 12;

export class EnvelopeTooLargeError extends Error {}

// ---- field checks ----

export const isSessionId = (v) => isBase64UrlOfLength(v, ID_BYTES);
export const isToken = (v) => isBase64UrlOfLength(v, TOKEN_BYTES);
export const isCounter = (v) => Number.isSafeInteger(v) && v >= 1;
const isSeq = (v) => Number.isSafeInteger(v) && v >= 1;
const isCount = (v) => Number.isSafeInteger(v) && v >= 0;
const isIv = (v) => isBase64UrlOfLength(v, IV_BYTES);
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function isCiphertext(v, kind) {
  if (typeof v !== 'string') return false;
  const bytes = fromBase64Url(v);
  return bytes !== null && bytes.length >= TAG_BYTES && bytes.length <= MAX_CT_BYTES[kind];
}

// ---- envelopes ----

/** AAD = UTF-8 of JSON.stringify(["sotto/v1", kind, roomId, senderSessionId, counter]). */
export function envelopeAad(kind, roomId, senderId, counter) {
  return utf8Encode(JSON.stringify([VERSION, kind, roomId, senderId, counter]));
}

async function sealEnvelope(kind, key, { roomId, sessionId, counter }, payload, iv) {
  if (!isCounter(counter)) throw new TypeError('bad counter');
  const sealed = await seal(key, envelopeAad(kind, roomId, sessionId, counter), utf8Encode(JSON.stringify(payload)), iv);
  if (sealed.ct.length > MAX_CT_BYTES[kind]) throw new EnvelopeTooLargeError(`${kind} envelope too large`);
  return { c: counter, iv: toBase64Url(sealed.iv), ct: toBase64Url(sealed.ct) };
}

async function openEnvelope(kind, key, roomId, { from, c, iv, ct }) {
  try {
    const plain = await open(key, envelopeAad(kind, roomId, from, c), fromBase64Url(iv), fromBase64Url(ct));
    const value = JSON.parse(utf8Decode(plain));
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

const isNick = (v) => typeof v === 'string' && v.length <= MAX_NICK_CHARS;

/** Seals a chat message into a client `msg` frame. `iv` is for tests only. */
export async function sealChat(key, sender, { text, nick, sentAt }, iv) {
  if (typeof text !== 'string' || text.length > MAX_TEXT_CHARS) throw new EnvelopeTooLargeError('text too long');
  if (!isNick(nick)) throw new TypeError('bad nickname');
  const env = await sealEnvelope('chat', key, sender, { text, nick, sentAt }, iv);
  return { t: 'msg', ...env };
}

/** Opens a chat envelope {from, c, iv, ct}; returns {text, nick, sentAt} or null. */
export async function openChat(key, roomId, envelope) {
  const body = await openEnvelope('chat', key, roomId, envelope);
  if (!body || typeof body.text !== 'string' || body.text.length > MAX_TEXT_CHARS || !isNick(body.nick)
    || !Number.isFinite(body.sentAt)) return null;
  return { text: body.text, nick: body.nick, sentAt: body.sentAt };
}

/** Seals the sender's profile into a client `profile` frame. `iv` is for tests only. */
export async function sealProfile(key, sender, { nick }, iv) {
  if (!isNick(nick)) throw new TypeError('bad nickname');
  const env = await sealEnvelope('profile', key, sender, { nick }, iv);
  return { t: 'profile', ...env };
}

/** Opens a profile envelope {from, c, iv, ct}; returns {nick} or null. */
export async function openProfile(key, roomId, envelope) {
  const body = await openEnvelope('profile', key, roomId, envelope);
  if (!body || !isNick(body.nick)) return null;
  return { nick: body.nick };
}

// ---- client → server frames ----

export const authFrame = (token, since) => ({ t: 'auth', token, since });
export const typingFrame = () => ({ t: 'typing' });
export const pingFrame = () => ({ t: 'ping' });
export const encodeFrame = (frame) => JSON.stringify(frame);

// ---- server → client frames ----

function parseEnvelope(v, kind) {
  if (!isObject(v) || !isSessionId(v.from) || !isCounter(v.c) || !isIv(v.iv) || !isCiphertext(v.ct, kind)) return null;
  return { from: v.from, c: v.c, iv: v.iv, ct: v.ct };
}

/** Validates a stored chat message (a `msg` frame, or an entry of a history page). */
export function parseMessage(v) {
  const env = parseEnvelope(v, 'chat');
  if (!env || !isSeq(v.seq) || !isCount(v.at) || (v.t !== undefined && v.t !== 'msg')) return null;
  return { t: 'msg', seq: v.seq, at: v.at, ...env };
}

const PARSERS = {
  welcome(v) {
    if (!isSessionId(v.sessionId) || !isSessionId(v.ownerId) || typeof v.owner !== 'boolean'
      || !isCount(v.latestSeq) || !isCount(v.maxCounter) || !Array.isArray(v.profiles)) return null;
    const profiles = v.profiles.map((p) => parseEnvelope(p, 'profile'));
    if (profiles.includes(null)) return null;
    return {
      sessionId: v.sessionId, ownerId: v.ownerId, owner: v.owner,
      latestSeq: v.latestSeq, maxCounter: v.maxCounter, profiles,
    };
  },
  msg: (v) => parseMessage(v),
  ack: (v) => (isCounter(v.c) && isSeq(v.seq) ? { c: v.c, seq: v.seq } : null),
  profile: (v) => parseEnvelope(v, 'profile'),
  signal(v) {
    const env = parseEnvelope(v, 'signal');
    return env && isSessionId(v.to) ? { ...env, to: v.to } : null;
  },
  presence(v) {
    if (!Array.isArray(v.online) || !v.online.every(isSessionId)) return null;
    return { online: [...v.online] };
  },
  typing: (v) => (isSessionId(v.from) ? { from: v.from } : null),
  left: (v) => (isSessionId(v.from) ? { from: v.from } : null),
  pong: () => ({}),
  gone: () => ({}),
  error(v) {
    if (typeof v.code !== 'string' || typeof v.message !== 'string') return null;
    if (v.c !== undefined && !isCounter(v.c)) return null;
    if (v.retryAfterMs !== undefined && !(Number.isFinite(v.retryAfterMs) && v.retryAfterMs >= 0)) return null;
    const out = { code: v.code, message: v.message };
    if (v.c !== undefined) out.c = v.c;
    if (v.retryAfterMs !== undefined) out.retryAfterMs = v.retryAfterMs;
    return out;
  },
};

/**
 * Splits one WebSocket message from the server into its frames: the relay may send several
 * frames in one message, one per line (JSON text never holds a raw newline).
 */
export function splitFrames(data) {
  return typeof data === 'string' ? data.split('\n') : [data];
}

/**
 * Parses one text frame from the server. Returns a fresh object holding only the known fields
 * of a well-formed frame, or null for anything malformed or of an unknown type.
 */
export function parseServerFrame(text) {
  if (typeof text !== 'string') return null;
  let v;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(v) || typeof v.t !== 'string' || !Object.hasOwn(PARSERS, v.t)) return null;
  const body = PARSERS[v.t](v);
  return body && { ...body, t: v.t };
}

/** Validates a history page `{"messages":[...],"hasMore":bool}`; malformed entries are dropped. */
export function parseHistoryPage(v) {
  if (!isObject(v) || !Array.isArray(v.messages) || typeof v.hasMore !== 'boolean') return null;
  return { messages: v.messages.map(parseMessage).filter(Boolean), hasMore: v.hasMore };
}

/** Validates the body of a successful create or join call. */
export function parseSessionGrant(v) {
  if (!isObject(v) || !isSessionId(v.sessionId) || !isToken(v.token) || typeof v.owner !== 'boolean') return null;
  return { sessionId: v.sessionId, token: v.token, owner: v.owner };
}
