// The wire protocol (docs/PROTOCOL.md): frame builders, validating parsers, and the sealing and opening of
// signed envelopes (chat, file announcement, hand-over, profile, knock, signal) under the room's epoch keys.
// No DOM: runs in browsers and in Node.

import { fromBase64Url, isBase64UrlOfLength, toBase64Url, utf8Decode, utf8Encode } from './encoding.js';
import { open, seal, TAG_BYTES } from './crypto.js';
import {
  chunkCount, FILE_KEY_BYTES, MAX_FILE_BYTES, SHA256_BYTES,
} from './files/file-crypto.js';
import { EPOCH_SECRET_BYTES, isEpoch } from './trust/epochs.js';
import { sign, verify } from './trust/signing.js';

export const VERSION = 'sotto/v2';
export const MAX_TEXT_CHARS = 4000;
export const MAX_NICK_CHARS = 40;
export const MAX_CT_BYTES = {
  chat: 16384, profile: 1024, knock: 1024, signal: 16384,
};
/** Wraps per hand-over message; a room with more members gets several messages. */
export const MAX_WRAPS = 60;
export const MAX_FILE_NAME_CHARS = 255;
export const MAX_MIME_CHARS = 127;
/** The largest thumbnail a receiver takes (decoded JPEG bytes). */
export const MAX_THUMB_BYTES = 12_000;
/**
 * The largest thumbnail a sender makes: 12,000 bytes are 16,000 base64url characters, which with the rest of a file
 * message do not fit in a chat ciphertext (16,384 bytes). With this many, a message with the longest name, type and
 * nickname still fits (a test seals that worst case).
 */
export const THUMB_FIT_BYTES = 10_000;
/** The largest image side a file message may state (JPEG's own limit; no browser decodes larger). */
export const MAX_IMAGE_SIDE = 65_535;

const ID_BYTES = 16;
const FILE_ID_BYTES = 16;
const TOKEN_BYTES = 32;
const IV_BYTES = 12;
const POINT_BYTES = 65;

export class EnvelopeTooLargeError extends Error {}

// ---- field checks ----

export const isSessionId = (v) => isBase64UrlOfLength(v, ID_BYTES);
export const isToken = (v) => isBase64UrlOfLength(v, TOKEN_BYTES);
export const isCounter = (v) => Number.isSafeInteger(v) && v >= 1;
const isSeq = (v) => Number.isSafeInteger(v) && v >= 1;
const isCount = (v) => Number.isSafeInteger(v) && v >= 0;
const isIv = (v) => isBase64UrlOfLength(v, IV_BYTES);
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNick = (v) => typeof v === 'string' && v.length <= MAX_NICK_CHARS;
const isPoint = (v) => isBase64UrlOfLength(v, POINT_BYTES);

export const isFileId = (v) => isBase64UrlOfLength(v, FILE_ID_BYTES);
// Control characters and lone surrogates have no place in a file name (and would grow its JSON escapes).
const isFileName = (v) => typeof v === 'string' && v.length >= 1 && v.length <= MAX_FILE_NAME_CHARS
  && !/[\p{Cc}\p{Cs}]/u.test(v);
// What Blob.type can hold: printable ASCII ('' when the type is unknown).
const isMime = (v) => typeof v === 'string' && v.length <= MAX_MIME_CHARS && /^[\x20-\x7e]*$/.test(v);
const isImageSide = (v) => Number.isSafeInteger(v) && v >= 1 && v <= MAX_IMAGE_SIDE;

/** A JPEG (it starts with the SOI marker and a segment) of at most MAX_THUMB_BYTES. */
function isThumb(v) {
  const bytes = fromBase64Url(v);
  return bytes !== null && bytes.length >= 3 && bytes.length <= MAX_THUMB_BYTES
    && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

function isCiphertext(v, kind) {
  if (typeof v !== 'string') return false;
  const bytes = fromBase64Url(v);
  return bytes !== null && bytes.length >= TAG_BYTES && bytes.length <= MAX_CT_BYTES[kind];
}

/** A member's public keys as a profile carries them, or null. */
function parseKeys(v) {
  return isObject(v) && isPoint(v.sig) && isPoint(v.dh) ? { sig: v.sig, dh: v.dh } : null;
}

/** One epoch key wrapped for one member: { to, iv, ct } with ct = 32 key bytes + the tag. */
function parseWrap(v) {
  if (!isObject(v) || !isSessionId(v.to) || !isIv(v.iv)
    || !isBase64UrlOfLength(v.ct, EPOCH_SECRET_BYTES + TAG_BYTES)) return null;
  return { to: v.to, iv: v.iv, ct: v.ct };
}

function parseHandover(v) {
  if (!isObject(v) || v.type !== 'epoch' || !isEpoch(v.epoch) || v.epoch === 0 || !Array.isArray(v.wraps)
    || v.wraps.length > MAX_WRAPS) return null;
  const wraps = v.wraps.map(parseWrap);
  return wraps.includes(null) ? null : { epoch: v.epoch, wraps };
}

/**
 * The `file` object of a file announcement, holding only its known fields, or null: `id`, `key` (32 bytes),
 * `name` (1..255 chars), `mime`, `size` (≤ MAX_FILE_BYTES), `chunks` (the count `size` needs), `sha256` (32 bytes),
 * and optionally `thumb` (a JPEG) and `w`/`h` (the image's size; both or neither).
 */
export function parseFileInfo(v) {
  if (!isObject(v) || !isFileId(v.id) || !isBase64UrlOfLength(v.key, FILE_KEY_BYTES) || !isFileName(v.name)
    || !isMime(v.mime) || !Number.isSafeInteger(v.size) || v.size < 0 || v.size > MAX_FILE_BYTES
    || v.chunks !== chunkCount(v.size) || !isBase64UrlOfLength(v.sha256, SHA256_BYTES)
    || (v.thumb !== undefined && !isThumb(v.thumb)) || (v.w === undefined) !== (v.h === undefined)
    || (v.w !== undefined && !(isImageSide(v.w) && isImageSide(v.h)))) return null;
  const file = {
    id: v.id, key: v.key, name: v.name, mime: v.mime, size: v.size, chunks: v.chunks, sha256: v.sha256,
  };
  if (v.thumb !== undefined) file.thumb = v.thumb;
  if (v.w !== undefined) Object.assign(file, { w: v.w, h: v.h });
  return file;
}

// ---- envelopes ----

/**
 * AAD = UTF-8 of JSON.stringify(["sotto/v2", kind, roomId, epoch, senderSessionId, counter]); a signal also binds
 * its recipient: [..., counter, to].
 */
export function envelopeAad(kind, roomId, epoch, senderId, counter, to) {
  const fields = [VERSION, kind, roomId, epoch, senderId, counter];
  if (kind === 'signal') fields.push(to);
  return utf8Encode(JSON.stringify(fields));
}

/**
 * Signs the body's JSON text and seals {"b": bodyText, "s": signature} under the context's epoch key.
 * ctx = { roomId, sessionId, counter, epoch, key, signKey }; `iv` is for tests only.
 */
async function sealEnvelope(kind, ctx, body, iv, to = null) {
  const {
    roomId, sessionId, counter, epoch, key, signKey,
  } = ctx;
  if (!isCounter(counter)) throw new TypeError('bad counter');
  if (!isEpoch(epoch)) throw new TypeError('bad epoch');
  const bodyText = JSON.stringify(body);
  const s = await sign(signKey, {
    kind, roomId, epoch, from: sessionId, counter, to,
  }, bodyText);
  const plaintext = utf8Encode(JSON.stringify({ b: bodyText, s }));
  const sealed = await seal(key, envelopeAad(kind, roomId, epoch, sessionId, counter, to), plaintext, iv);
  if (sealed.ct.length > MAX_CT_BYTES[kind]) throw new EnvelopeTooLargeError(`${kind} envelope too large`);
  return { c: counter, iv: toBase64Url(sealed.iv), ct: toBase64Url(sealed.ct) };
}

/**
 * Opens an envelope {from, c, iv, ct} under the keyring's epochs, the highest first. Returns
 * { epoch, bodyText, body, s } with body a plain object, or null when it opens under no epoch or is malformed.
 */
async function openEnvelope(kind, keyring, roomId, { from, c, iv, ct }, to = null) {
  const ivBytes = fromBase64Url(iv);
  const ctBytes = fromBase64Url(ct);
  if (!ivBytes || !ctBytes) return null;
  for (const { epoch, key } of keyring.newestFirst()) {
    let plain;
    try {
      plain = await open(key, envelopeAad(kind, roomId, epoch, from, c, to), ivBytes, ctBytes);
    } catch {
      continue;
    }
    try {
      const outer = JSON.parse(utf8Decode(plain));
      if (!isObject(outer) || typeof outer.b !== 'string' || typeof outer.s !== 'string') return null;
      const body = JSON.parse(outer.b);
      return isObject(body) ? {
        epoch, bodyText: outer.b, body, s: outer.s,
      } : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Whether the opened envelope's signature verifies under `sig`, bound to the envelope's own fields. */
function signedBy(sig, kind, roomId, { from, c }, opened, to = null) {
  return verify(sig, {
    kind, roomId, epoch: opened.epoch, from, counter: c, to,
  }, opened.bodyText, opened.s);
}

/**
 * Seals a text message into a client `msg` frame under ctx's epoch. `nick` (optional) is the sender's nickname at
 * the time: shown, marked unverified, only for a sender whose keys a reader never saw. `iv` is for tests only.
 */
export async function sealChat(ctx, { text, sentAt, nick }, iv) {
  if (typeof text !== 'string' || text.length > MAX_TEXT_CHARS) throw new EnvelopeTooLargeError('text too long');
  if (!Number.isFinite(sentAt)) throw new TypeError('bad sentAt');
  if (nick !== undefined && !isNick(nick)) throw new TypeError('bad nickname');
  const body = nick === undefined ? { text, sentAt } : { text, sentAt, nick };
  return { t: 'msg', ...await sealEnvelope('chat', ctx, body, iv) };
}

/**
 * Seals the announcement of an uploaded file into a client `msg` frame: body {"type":"file","sentAt","file"} with
 * `file` as parseFileInfo takes it (the file's key travels only in here). `nick` as for text. `iv` is for tests only.
 * Throws a TypeError for a malformed file, an EnvelopeTooLargeError when the sealed message exceeds the chat limit.
 */
export async function sealFileMessage(ctx, { file, sentAt, nick }, iv) {
  const info = parseFileInfo(file);
  if (!info) throw new TypeError('bad file');
  if (!Number.isFinite(sentAt)) throw new TypeError('bad sentAt');
  if (nick !== undefined && !isNick(nick)) throw new TypeError('bad nickname');
  const body = { type: 'file', sentAt, file: info };
  if (nick !== undefined) body.nick = nick;
  return { t: 'msg', ...await sealEnvelope('chat', ctx, body, iv) };
}

/**
 * Seals the owner's hand-over of epoch `epoch` into a client `msg` frame. It is sealed under epoch 0 (ctx.key and
 * ctx.epoch are epoch 0's), so that every member, including one who missed an epoch, can open it.
 */
export async function sealHandover(ctx, { epoch, wraps }, iv) {
  if (ctx.epoch !== 0) throw new TypeError('a hand-over is sealed under epoch 0');
  const handover = parseHandover({ type: 'epoch', epoch, wraps });
  if (!handover) throw new TypeError('bad hand-over');
  return { t: 'msg', ...await sealEnvelope('chat', ctx, { type: 'epoch', ...handover }, iv) };
}

/**
 * Opens a chat envelope {from, c, iv, ct}. With the sender's announced keys the signature must verify; without
 * them (the sender left before a profile was seen) it is returned as unverified. Returns
 * { epoch, verified, kind: 'text', text, sentAt, nick }, { epoch, verified, kind: 'file', sentAt, nick, file }
 * (file as parseFileInfo returns it) or { epoch, verified, kind: 'epoch', handover: { epoch, wraps } },
 * or null (opens under no epoch, malformed, a failed signature, or a hand-over not sealed under epoch 0).
 */
export async function openChat(keyring, roomId, env, senderKeys) {
  const opened = await openEnvelope('chat', keyring, roomId, env);
  if (!opened) return null;
  const { body, epoch } = opened;
  let content;
  if (body.type === 'epoch') {
    const handover = parseHandover(body);
    if (!handover || epoch !== 0) return null;
    content = { kind: 'epoch', handover };
  } else if (body.type === 'file') {
    const file = parseFileInfo(body.file);
    if (!file || !Number.isFinite(body.sentAt) || (body.nick !== undefined && !isNick(body.nick))) return null;
    content = {
      kind: 'file', sentAt: body.sentAt, nick: body.nick ?? '', file,
    };
  } else {
    if (body.type !== undefined || typeof body.text !== 'string' || body.text.length > MAX_TEXT_CHARS
      || !Number.isFinite(body.sentAt) || (body.nick !== undefined && !isNick(body.nick))) return null;
    content = { kind: 'text', text: body.text, sentAt: body.sentAt, nick: body.nick ?? '' };
  }
  if (senderKeys && !await signedBy(senderKeys.sig, 'chat', roomId, env, opened)) return null;
  return { epoch, verified: Boolean(senderKeys), ...content };
}

async function sealIdentity(kind, ctx, { nick, keys }, iv) {
  if (!isNick(nick)) throw new TypeError('bad nickname');
  const publicKeys = parseKeys(keys);
  if (!publicKeys) throw new TypeError('bad public keys');
  return { t: kind, ...await sealEnvelope(kind, ctx, { nick, keys: publicKeys }, iv) };
}

/** Seals the sender's profile (nickname and public keys, self-signed) into a client `profile` frame. */
export const sealProfile = (ctx, profile, iv) => sealIdentity('profile', ctx, profile, iv);

/** Seals a knocking session's request (nickname and public keys, self-signed) into a client `knock` frame. */
export const sealKnock = (ctx, profile, iv) => sealIdentity('knock', ctx, profile, iv);

/**
 * Opens a profile (or, with kind 'knock', a knock) {from, c, iv, ct}: { epoch, nick, keys } when it opens and its
 * signature verifies under the keys it carries, else null. Whether those keys are the sender's pinned ones is the
 * room's to decide.
 */
export async function openProfile(keyring, roomId, env, kind = 'profile') {
  if (kind !== 'profile' && kind !== 'knock') throw new TypeError('bad kind');
  const opened = await openEnvelope(kind, keyring, roomId, env);
  if (!opened || !isNick(opened.body.nick)) return null;
  const keys = parseKeys(opened.body.keys);
  if (!keys || !await signedBy(keys.sig, kind, roomId, env, opened)) return null;
  return { epoch: opened.epoch, nick: opened.body.nick, keys };
}

/** Seals a call signal body for one recipient into a client `signal` frame. `iv` is for tests only. */
export async function sealSignal(ctx, to, body, iv) {
  if (!isSessionId(to)) throw new TypeError('bad recipient');
  if (!isObject(body)) throw new TypeError('bad signal body');
  return { t: 'signal', to, ...await sealEnvelope('signal', ctx, body, iv, to) };
}

/**
 * Opens a signal {from, to, c, iv, ct}: its body object when it opens and verifies under the sender's keys, else
 * null (also when the sender's keys are not known: a signal is never taken unsigned).
 */
export async function openSignal(keyring, roomId, env, senderKeys) {
  if (!senderKeys || !isSessionId(env.to)) return null;
  const opened = await openEnvelope('signal', keyring, roomId, env, env.to);
  if (!opened || !await signedBy(senderKeys.sig, 'signal', roomId, env, opened, env.to)) return null;
  return opened.body;
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

const isFlag = (v) => v === undefined || typeof v === 'boolean';

/** The room's settings; absent flags (a server of before issue 12) are false. */
function parseSettings(v) {
  if (!isFlag(v.locked) || !isFlag(v.knock) || !isFlag(v.sealed)) return null;
  return { locked: v.locked === true, knock: v.knock === true, sealed: v.sealed === true };
}

const PARSERS = {
  welcome(v) {
    if (!isSessionId(v.sessionId) || !isSessionId(v.ownerId) || typeof v.owner !== 'boolean'
      || !isCount(v.latestSeq) || !isCount(v.maxCounter) || !Array.isArray(v.profiles)) return null;
    const profiles = v.profiles.map((p) => parseEnvelope(p, 'profile'));
    const knocks = v.knocks === undefined ? []
      : Array.isArray(v.knocks) && v.knocks.map((k) => parseEnvelope(k, 'knock'));
    const settings = parseSettings(v);
    if (profiles.includes(null) || !knocks || knocks.includes(null) || !settings) return null;
    return {
      sessionId: v.sessionId, ownerId: v.ownerId, owner: v.owner,
      latestSeq: v.latestSeq, maxCounter: v.maxCounter, profiles, ...settings, knocks,
    };
  },
  waiting: (v) => (isSessionId(v.sessionId) ? { sessionId: v.sessionId } : null),
  admitted: () => ({}),
  msg: (v) => parseMessage(v),
  ack: (v) => (isCounter(v.c) && isSeq(v.seq) ? { c: v.c, seq: v.seq } : null),
  profile: (v) => parseEnvelope(v, 'profile'),
  knock: (v) => parseEnvelope(v, 'knock'),
  signal(v) {
    const env = parseEnvelope(v, 'signal');
    return env && isSessionId(v.to) ? { ...env, to: v.to } : null;
  },
  presence(v) {
    if (!Array.isArray(v.online) || !v.online.every(isSessionId)) return null;
    return { online: [...v.online] };
  },
  typing: (v) => (isSessionId(v.from) ? { from: v.from } : null),
  left: (v) => (isSessionId(v.from) && isFlag(v.removed) ? { from: v.from, removed: v.removed === true } : null),
  room(v) {
    if (typeof v.locked !== 'boolean' || typeof v.knock !== 'boolean' || typeof v.sealed !== 'boolean') return null;
    return { locked: v.locked, knock: v.knock, sealed: v.sealed };
  },
  owner: (v) => (isSessionId(v.ownerId) ? { ownerId: v.ownerId } : null),
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

/** Validates the body of a successful create or join call; `admitted` is false while the session knocks. */
export function parseSessionGrant(v) {
  if (!isObject(v) || !isSessionId(v.sessionId) || !isToken(v.token) || typeof v.owner !== 'boolean'
    || !isFlag(v.admitted)) return null;
  return {
    sessionId: v.sessionId, token: v.token, owner: v.owner, admitted: v.admitted !== false,
  };
}
