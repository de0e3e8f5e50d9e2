// Call signaling envelopes (docs/PROTOCOL.md, "Calls"): sealing and opening `signal` frames as signed v2
// envelopes under the room's newest epoch key, bound to sender, counter and recipient, and validating what they
// carry. No DOM: runs in browsers and in Node.

import { isBase64UrlOfLength, toBase64Url } from '../encoding.js';
import { isSessionId, openSignal as openEnvelope, sealSignal as sealEnvelope } from '../protocol.js';

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

/**
 * Seals a signal payload for one other member into a client `signal` frame. ctx is protocol.js's sealing context
 * { roomId, sessionId, counter, epoch, key, signKey }; `iv` is for tests only. Throws EnvelopeTooLargeError when
 * the ciphertext would exceed the relay's limit.
 */
export async function sealSignal(ctx, to, payload, iv) {
  if (!isSessionId(to) || to === ctx.sessionId) throw new TypeError('bad recipient');
  return sealEnvelope(ctx, to, payload, iv);
}

/**
 * Opens a received signal {from, to, c, iv, ct} addressed to `selfId`, signed by the sender whose announced keys
 * are `senderKeys`. Returns the validated payload, or null when it is addressed to someone else, fails to open or
 * to verify (or the sender's keys are unknown), or carries something unexpected.
 */
export async function openSignal(keyring, roomId, selfId, frame, senderKeys) {
  if (frame.to !== selfId || frame.from === selfId) return null;
  const body = await openEnvelope(keyring, roomId, frame, senderKeys);
  return body && parseSignalPayload(body);
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
