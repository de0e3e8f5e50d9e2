// The REST API (docs/PROTOCOL.md, "REST"). Authenticated calls send the session token as a Bearer header.

import { parseIceConfig } from './call/ice.js';
import { parseHistoryPage, parseSessionGrant } from './protocol.js';

export class ApiError extends Error {
  /** status 0 means the server could not be reached. */
  constructor(status, code, message, retryAfterSeconds = null) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function createApi(fetchImpl = (...args) => globalThis.fetch(...args)) {
  async function call(method, path, { token, body, keepalive = false } = {}) {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetchImpl(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
        keepalive,
      });
    } catch {
      throw new ApiError(0, 'network', '');
    }
    let json = null;
    if (response.status !== 204) {
      try {
        json = await response.json();
      } catch {
        json = null;
      }
    }
    if (!response.ok) {
      const retry = Number.parseInt(response.headers.get('Retry-After'), 10);
      throw new ApiError(
        response.status,
        json && typeof json.error === 'string' ? json.error : `http_${response.status}`,
        json && typeof json.message === 'string' ? json.message : '',
        Number.isFinite(retry) ? retry : null,
      );
    }
    return json;
  }

  function grant(json) {
    const parsed = parseSessionGrant(json);
    if (!parsed) throw new ApiError(502, 'bad_response', '');
    return parsed;
  }

  const room = (roomId) => `/api/rooms/${encodeURIComponent(roomId)}`;

  return {
    async createRoom(roomId) {
      return grant(await call('POST', '/api/rooms', { body: { roomId } }));
    },
    async joinRoom(roomId) {
      return grant(await call('POST', `${room(roomId)}/sessions`));
    },
    async history(roomId, token, { before, limit } = {}) {
      const query = new URLSearchParams();
      if (before !== undefined) query.set('before', String(before));
      if (limit !== undefined) query.set('limit', String(limit));
      const qs = query.toString();
      const page = parseHistoryPage(await call('GET', `${room(roomId)}/messages${qs ? `?${qs}` : ''}`, { token }));
      if (!page) throw new ApiError(502, 'bad_response', '');
      return page;
    },
    async closeRoom(roomId, token) {
      await call('DELETE', room(roomId), { token });
    },
    /** `keepalive`: the request is completed even when the page goes away meanwhile ("Leave no trace"). */
    async leave(token, { keepalive = false } = {}) {
      await call('DELETE', '/api/sessions/current', { token, keepalive });
    },
    /** The owner changes the room's settings: `{ locked?, knock? }` → `{ locked, knock, sealed }`. */
    async updateRoom(roomId, token, settings) {
      const json = await call('PATCH', room(roomId), { token, body: settings });
      if (!json || typeof json.locked !== 'boolean' || typeof json.knock !== 'boolean'
        || typeof json.sealed !== 'boolean') {
        throw new ApiError(502, 'bad_response', '');
      }
      return { locked: json.locked, knock: json.knock, sealed: json.sealed };
    },
    /** The owner lets a knocking session in. */
    async admit(roomId, token, sessionId) {
      await call('POST', `${room(roomId)}/members/${encodeURIComponent(sessionId)}/admit`, { token });
    },
    /** The owner removes a member (or refuses a knocking session). */
    async removeMember(roomId, token, sessionId) {
      await call('DELETE', `${room(roomId)}/members/${encodeURIComponent(sessionId)}`, { token });
    },
    /** The owner hands the room to another member. */
    async handOwnership(roomId, token, sessionId) {
      await call('POST', `${room(roomId)}/owner`, { token, body: { sessionId } });
    },
    /** ICE servers (with fresh TURN credentials) and call limits for this member's calls. */
    async ice(token) {
      const config = parseIceConfig(await call('GET', '/api/ice', { token }));
      if (!config) throw new ApiError(502, 'bad_response', '');
      return config;
    },
  };
}
