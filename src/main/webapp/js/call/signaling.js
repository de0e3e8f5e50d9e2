// Call signaling envelopes (docs/PROTOCOL.md, "Calls"): sealing and opening `signal` frames under the room key,
// bound to sender, counter and recipient, and validating what they carry. No DOM: runs in browsers and in Node.

import { open, seal } from '../crypto.js';
import { fromBase64Url, isBase64UrlOfLength, toBase64Url, utf8Decode, utf8Encode } from '../encoding.js';
import {
  EnvelopeTooLargeError, isCounter, isSessionId, MAX_CT_BYTES, VERSION,
} from '../protocol.js';

export const GEN_BYTES = 8;
export const MAX_SDP_CHARS = 15000;
const MAX_CANDIDATE_CHARS = 1024;
const MAX_MID_CHARS = 64;
const MAX_UFRAG_CHARS = 256;
const MAX_MLINE_INDEX = 255;
/** A media stream ID as SDP's msid allows it: 1 to 64 token characters. */
const STREAM_ID = /^[!#$%&'*+\-.^_`|~0-9A-Za-z{}]{1,64}$/;

export const Kind = Object.freeze({
  HELLO: 'hello', // "I am (re)connected and not in the call: tell me if you are"
  JOIN: 'join', // "I joined the call" (to every online member)
  HERE: 'here', // "I am in the call" (the answer to hello and join)
  STATE: 'state', // "my microphone, camera or screen changed" (to call members)
  LEAVE: 'leave', // "I left the call"
  SDP: 'sdp', // an offer or answer for our connection
  ICE: 'ice', // an ICE candidate for our connection
});

/** AAD = UTF-8 of JSON.stringify(["sotto/v1", "signal", roomId, from, counter, to]). */
export function signalAad(roomId, from, counter, to) {
  return utf8Encode(JSON.stringify([VERSION, 'signal', roomId, from, counter, to]));
}

/**
 * Seals a signal payload for one recipient into a client `signal` frame. `iv` is for tests only.
 * Throws EnvelopeTooLargeError when the ciphertext would exceed the relay's limit.
 */
export async function sealSignal(key, { roomId, sessionId, counter }, to, payload, iv) {
  if (!isCounter(counter)) throw new TypeError('bad counter');
  if (!isSessionId(to) || to === sessionId) throw new TypeError('bad recipient');
  const sealed = await seal(key, signalAad(roomId, sessionId, counter, to), utf8Encode(JSON.stringify(payload)), iv);
  if (sealed.ct.length > MAX_CT_BYTES.signal) throw new EnvelopeTooLargeError('signal envelope too large');
  return { t: 'signal', to, c: counter, iv: toBase64Url(sealed.iv), ct: toBase64Url(sealed.ct) };
}

/**
 * Opens a received signal {from, to, c, iv, ct} addressed to `selfId`. Returns the validated payload,
 * or null when it is addressed to someone else, fails to open, or carries something unexpected.
 */
export async function openSignal(key, roomId, selfId, { from, to, c, iv, ct }) {
  if (to !== selfId || from === selfId) return null;
  try {
    const plain = await open(key, signalAad(roomId, from, c, to), fromBase64Url(iv), fromBase64Url(ct));
    return parseSignalPayload(JSON.parse(utf8Decode(plain)));
  } catch {
    return null;
  }
}

// ---- payloads ----

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isGen = (v) => isBase64UrlOfLength(v, GEN_BYTES);
const isShortString = (v, max) => typeof v === 'string' && v.length <= max;
const isStreamId = (v) => typeof v === 'string' && STREAM_ID.test(v);

/** A fresh random call generation: it names one stay of one person in the call. */
export function newGen(random = globalThis.crypto) {
  return toBase64Url(random.getRandomValues(new Uint8Array(GEN_BYTES)));
}

function parseMedia(v) {
  if (!isObject(v) || typeof v.mic !== 'boolean' || typeof v.cam !== 'boolean' || typeof v.screen !== 'boolean') {
    return null;
  }
  return { mic: v.mic, cam: v.cam, screen: v.screen };
}

function parseMember(v) {
  const media = parseMedia(v.media);
  if (!isGen(v.gen) || !media) return null;
  if (v.screenStream !== null && !isStreamId(v.screenStream)) return null;
  return { gen: v.gen, media, screenStream: v.screenStream };
}

function parseDescription(v) {
  if (!isObject(v) || (v.type !== 'offer' && v.type !== 'answer') || !isShortString(v.sdp, MAX_SDP_CHARS)) return null;
  return { type: v.type, sdp: v.sdp };
}

function parseCandidate(v) {
  if (!isObject(v) || !isShortString(v.candidate, MAX_CANDIDATE_CHARS)) return null;
  const mid = v.sdpMid ?? null;
  const index = v.sdpMLineIndex ?? null;
  const ufrag = v.usernameFragment ?? null;
  if (mid !== null && !isShortString(mid, MAX_MID_CHARS)) return null;
  if (index !== null && !(Number.isInteger(index) && index >= 0 && index <= MAX_MLINE_INDEX)) return null;
  if (ufrag !== null && !isShortString(ufrag, MAX_UFRAG_CHARS)) return null;
  if (mid === null && index === null) return null;
  return { candidate: v.candidate, sdpMid: mid, sdpMLineIndex: index, usernameFragment: ufrag };
}

const PAYLOADS = {
  [Kind.HELLO]: () => ({}),
  [Kind.JOIN]: parseMember,
  [Kind.HERE]: parseMember,
  [Kind.STATE]: parseMember,
  [Kind.LEAVE]: (v) => (isGen(v.gen) ? { gen: v.gen } : null),
  [Kind.SDP](v) {
    const description = parseDescription(v.description);
    return isGen(v.gen) && isGen(v.toGen) && description ? { gen: v.gen, toGen: v.toGen, description } : null;
  },
  [Kind.ICE](v) {
    const candidate = parseCandidate(v.candidate);
    return isGen(v.gen) && isGen(v.toGen) && candidate ? { gen: v.gen, toGen: v.toGen, candidate } : null;
  },
};

/** Validates an opened payload: a fresh object with only the known fields of its kind, or null. */
export function parseSignalPayload(v) {
  if (!isObject(v) || typeof v.k !== 'string' || !Object.hasOwn(PAYLOADS, v.k)) return null;
  const body = PAYLOADS[v.k](v);
  return body && { k: v.k, ...body };
}
