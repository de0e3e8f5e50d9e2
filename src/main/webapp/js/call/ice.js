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

/** Validates the body of GET /api/ice; returns { iceServers, relay, maxParticipants, expiresAt, ttl } or null. */
export function parseIceConfig(v) {
  if (!isObject(v) || !Array.isArray(v.iceServers) || v.iceServers.length > MAX_SERVERS
    || typeof v.relay !== 'boolean') return null;
  const iceServers = v.iceServers.map(parseServer);
  if (iceServers.includes(null)) return null;
  const max = v.maxParticipants;
  const { expiresAt, ttl } = v;
  return {
    iceServers,
    relay: v.relay,
    maxParticipants: Number.isSafeInteger(max) && max >= 2 ? max : DEFAULT_MAX_PARTICIPANTS,
    expiresAt: Number.isSafeInteger(expiresAt) ? expiresAt : null,
    ttl: Number.isSafeInteger(ttl) && ttl > 0 ? ttl : null,
  };
}

// TURN credentials live about ten minutes (the server's sotto.turn.ttl-seconds). A call asks for fresh ones at 80 %
// of that, so that an ICE restart or a new connection late in a long call still gets a relay; a failed request is
// tried again a few times before the old credentials run out.
export const REFRESH_SHARE = 0.8;
const MIN_REFRESH_MS = 5_000;
const MAX_REFRESH_MS = 24 * 60 * 60 * 1000; // beyond what setTimeout can hold, and beyond any sensible lifetime
const RETRY_MS = [5_000, 15_000, 30_000, 60_000];

/**
 * Milliseconds from receiving `config` (at `receivedAtMs` on this browser's clock) until fresh credentials are due,
 * or null when its credentials do not expire (no relay). Counted from the lifetime the server gave, not from its
 * expiry time, so that a browser clock that is off does not matter; the expiry is the fallback.
 */
export function refreshDelay(config, receivedAtMs) {
  let lifetimeMs;
  if (Number.isSafeInteger(config.ttl)) lifetimeMs = config.ttl * 1000;
  else if (Number.isSafeInteger(config.expiresAt)) lifetimeMs = config.expiresAt * 1000 - receivedAtMs;
  else return null;
  if (!Number.isFinite(lifetimeMs)) return null;
  return Math.min(MAX_REFRESH_MS, Math.max(MIN_REFRESH_MS, Math.round(lifetimeMs * REFRESH_SHARE)));
}

/** Whether credentials received at `receivedAtMs` are past their refresh point at `nowMs` (ask again before use). */
export function isStale(config, receivedAtMs, nowMs) {
  const delay = refreshDelay(config, receivedAtMs);
  return delay !== null && nowMs - receivedAtMs >= delay;
}

/** How long to wait before asking again after `failures` failed refreshes (the server's Retry-After if longer). */
export function retryDelay(failures, retryAfterSeconds = null) {
  const backoff = RETRY_MS[Math.min(Math.max(failures, 1), RETRY_MS.length) - 1];
  return Math.max(backoff, Number.isSafeInteger(retryAfterSeconds) ? retryAfterSeconds * 1000 : 0);
}

/** The peer connections' configuration; hiding one's IP address allows relayed paths only. */
export function rtcConfiguration(config, hideIp) {
  return {
    iceServers: config.iceServers,
    iceTransportPolicy: hideIp ? 'relay' : 'all',
    bundlePolicy: 'max-bundle',
  };
}
