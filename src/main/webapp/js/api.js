// The REST API (docs/PROTOCOL.md, "REST"). Authenticated calls send the session token as a Bearer header.

import { parseIceConfig } from './call/ice.js';
import { isFileId, parseHistoryPage, parseSessionGrant } from './protocol.js';

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
  /**
   * Sends one request; returns the response when it is a success, else throws an ApiError with the server's code.
   * `body` is sent as JSON, `bytes` (a Uint8Array) as application/octet-stream. An aborted `signal` rejects with
   * its reason (an AbortError), not with a network ApiError.
   */
  async function request(method, path, {
    token, body, bytes, accept = 'application/json', keepalive = false, signal,
  } = {}) {
    const headers = { Accept: accept };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (bytes !== undefined) headers['Content-Type'] = 'application/octet-stream';
    let response;
    try {
      response = await fetchImpl(path, {
        method,
        headers,
        body: body !== undefined ? JSON.stringify(body) : bytes,
        credentials: 'omit',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
        keepalive,
        signal,
      });
    } catch {
      if (signal && signal.aborted) throw signal.reason;
      throw new ApiError(0, 'network', '');
    }
    if (!response.ok) {
      let json = null;
      try {
        json = await response.json();
      } catch {
        json = null;
      }
      const retry = Number.parseInt(response.headers.get('Retry-After'), 10);
      throw new ApiError(
        response.status,
        json && typeof json.error === 'string' ? json.error : `http_${response.status}`,
        json && typeof json.message === 'string' ? json.message : '',
        Number.isFinite(retry) ? retry : null,
      );
    }
    return response;
  }

  /** A JSON call: the parsed body of the success, or null (204, or a body that is not JSON). */
  async function call(method, path, options) {
    const response = await request(method, path, options);
    if (response.status === 204) return null;
    try {
      return await response.json();
    } catch {
      return null;
    }
  }

  function grant(json) {
    const parsed = parseSessionGrant(json);
    if (!parsed) throw new ApiError(502, 'bad_response', '');
    return parsed;
  }

  const room = (roomId) => `/api/rooms/${encodeURIComponent(roomId)}`;
  const chunkPath = (roomId, fileId, index) => {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError('bad chunk index');
    return `${room(roomId)}/files/${encodeURIComponent(fileId)}/chunks/${index}`;
  };

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
    /**
     * Announces an upload of `chunks` chunks holding `bytes` ciphertext bytes in all → `{ fileId, chunkBytes }`
     * (chunkBytes: the largest chunk ciphertext the server takes).
     */
    async createFile(roomId, token, { chunks, bytes }, { signal } = {}) {
      const json = await call('POST', `${room(roomId)}/files`, { token, body: { chunks, bytes }, signal });
      if (!json || !isFileId(json.fileId) || !Number.isSafeInteger(json.chunkBytes) || json.chunkBytes < 1) {
        throw new ApiError(502, 'bad_response', '');
      }
      return { fileId: json.fileId, chunkBytes: json.chunkBytes };
    },
    /** Uploads the ciphertext of chunk `index` (a Uint8Array); each chunk is written once. */
    async putChunk(roomId, token, fileId, index, bytes, { signal } = {}) {
      await request('PUT', chunkPath(roomId, fileId, index), { token, bytes, signal });
    },
    /** The ciphertext of chunk `index` of a complete file, as a Uint8Array. */
    async getChunk(roomId, token, fileId, index, { signal } = {}) {
      const response = await request('GET', chunkPath(roomId, fileId, index), {
        token, accept: 'application/octet-stream', signal,
      });
      try {
        return new Uint8Array(await response.arrayBuffer());
      } catch {
        if (signal && signal.aborted) throw signal.reason;
        throw new ApiError(0, 'network', '');
      }
    },
    /** Deletes a file (its uploader or the room's owner): aborts an upload, or takes a file back. */
    async deleteFile(roomId, token, fileId, { signal } = {}) {
      await request('DELETE', `${room(roomId)}/files/${encodeURIComponent(fileId)}`, { token, signal });
    },
  };
}
