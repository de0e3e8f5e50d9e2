// What GET /api/ice answers (STUN/TURN servers with fresh TURN credentials, whether a relay exists, how many
// may join a call) and the RTCConfiguration made from it. No DOM.

export const DEFAULT_MAX_PARTICIPANTS = 6;
const MAX_SERVERS = 10;
const MAX_FIELD_CHARS = 512;
const ICE_URL = /^(stun|stuns|turn|turns):/;

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isField = (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_FIELD_CHARS;

function parseServer(v) {
  if (!isObject(v)) return null;
  const urls = typeof v.urls === 'string' ? [v.urls] : v.urls;
  if (!Array.isArray(urls) || urls.length === 0 || urls.length > MAX_SERVERS
    || !urls.every((u) => isField(u) && ICE_URL.test(u))) return null;
  const server = { urls: [...urls] };
  if (v.username !== undefined || v.credential !== undefined) {
    if (!isField(v.username) || !isField(v.credential)) return null;
    server.username = v.username;
    server.credential = v.credential;
  }
  return server;
}

/** Validates the body of GET /api/ice; returns { iceServers, relay, maxParticipants, expiresAt } or null. */
export function parseIceConfig(v) {
  if (!isObject(v) || !Array.isArray(v.iceServers) || v.iceServers.length > MAX_SERVERS
    || typeof v.relay !== 'boolean') return null;
  const iceServers = v.iceServers.map(parseServer);
  if (iceServers.includes(null)) return null;
  const max = v.maxParticipants;
  const expiresAt = v.expiresAt;
  return {
    iceServers,
    relay: v.relay,
    maxParticipants: Number.isSafeInteger(max) && max >= 2 ? max : DEFAULT_MAX_PARTICIPANTS,
    expiresAt: Number.isSafeInteger(expiresAt) ? expiresAt : null,
  };
}

/** Whether the TURN credentials run out within `marginMs` (then ask for fresh ones before joining). */
export function isStale(config, nowMs, marginMs = 5 * 60 * 1000) {
  return config.expiresAt !== null && config.expiresAt * 1000 - nowMs < marginMs;
}

/** The peer connections' configuration; hiding one's IP address allows relayed paths only. */
export function rtcConfiguration(config, hideIp) {
  return {
    iceServers: config.iceServers,
    iceTransportPolicy: hideIp ? 'relay' : 'all',
    bundlePolicy: 'max-bundle',
  };
}
