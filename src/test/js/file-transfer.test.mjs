// Upload and download against an in-process fake of the four file calls (the real server is tested by its ITs):
// the fake keeps chunks in a Map and answers with real Responses, so api.js, upload.js and download.js run as in the
// page, and each test reads what the "server" received and holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ApiError, createApi } from '../../main/webapp/js/api.js';
import { CHUNK_BYTES, MAX_CHUNK_CT_BYTES } from '../../main/webapp/js/files/file-crypto.js';
import { downloadFile, FileIntegrityError } from '../../main/webapp/js/files/download.js';
import { FileTooLargeError, MAX_FILE_BYTES, uploadFile } from '../../main/webapp/js/files/upload.js';

const ROOM = 'JyvAYOWzpKRaN4Nfct06nW7WNBfLYbl8i4bs6nGkKYU';
const TOKEN = 'B'.repeat(43);
const OTHER_TOKEN = 'C'.repeat(43);
const FILES = /^\/api\/rooms\/([^/]+)\/files$/;
const FILE = /^\/api\/rooms\/([^/]+)\/files\/([^/]+)$/;
const CHUNK = /^\/api\/rooms\/([^/]+)\/files\/([^/]+)\/chunks\/(\d+)$/;

const json = (status, body, headers = {}) => new Response(JSON.stringify(body), {
  status, headers: { 'Content-Type': 'application/json', ...headers },
});
const refusal = (status, error, headers) => json(status, { error, message: error }, headers);

/** The fake server: `files` maps a file ID to { chunks, bytes, token, stored: Map(index → bytes), complete }. */
function fakeServer({ maxBytes = MAX_FILE_BYTES, refuse = () => null } = {}) {
  const files = new Map();
  const requests = [];
  let nextId = 0;

  function handle(method, path, init) {
    const token = (init.headers.Authorization || '').replace(/^Bearer /, '');
    if (token !== TOKEN && token !== OTHER_TOKEN) return refusal(401, 'unauthorized');
    let m = FILES.exec(path);
    if (m && method === 'POST') {
      const { chunks, bytes } = JSON.parse(init.body);
      if (!(chunks >= 1 && bytes >= 16 * chunks && bytes <= chunks * MAX_CHUNK_CT_BYTES)) {
        return refusal(400, 'bad_request');
      }
      if (bytes - 16 * chunks > maxBytes) return refusal(413, 'file_too_large');
      nextId += 1;
      const fileId = Buffer.alloc(16, nextId).toString('base64url');
      files.set(fileId, {
        chunks, bytes, token, stored: new Map(), complete: false,
      });
      return json(201, { fileId, chunkBytes: MAX_CHUNK_CT_BYTES });
    }
    m = FILE.exec(path);
    if (m && method === 'DELETE') {
      if (!files.has(m[2])) return refusal(404, 'file_not_found');
      files.delete(m[2]);
      return new Response(null, { status: 204 });
    }
    m = CHUNK.exec(path);
    if (!m) return refusal(404, 'not_found');
    const file = files.get(m[2]);
    const index = Number(m[3]);
    if (method === 'PUT') {
      if (!file) return refusal(404, 'file_not_found');
      if (file.token !== token) return refusal(403, 'forbidden');
      if (init.headers['Content-Type'] !== 'application/octet-stream') return refusal(415, 'unsupported_media_type');
      if (index >= file.chunks) return refusal(400, 'bad_request');
      if (file.stored.has(index)) return refusal(409, 'chunk_exists');
      file.stored.set(index, Uint8Array.from(init.body));
      file.complete = file.stored.size === file.chunks
        && [...file.stored.values()].reduce((sum, c) => sum + c.length, 0) === file.bytes;
      return new Response(null, { status: 204 });
    }
    // A hostile server serves whatever it holds: tests change `stored` after the upload to play one.
    if (method === 'GET' && file && file.complete && file.stored.has(index)) {
      return new Response(file.stored.get(index), {
        status: 200, headers: { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'no-store' },
      });
    }
    return refusal(404, 'file_not_found');
  }

  async function fetch(path, init) {
    init.signal?.throwIfAborted();
    const request = { method: init.method, path, init };
    requests.push(request);
    return refuse(request, files) || handle(init.method, path, init);
  }

  return { files, requests, api: createApi(fetch) };
}

const blobOf = (bytes, type = '') => new Blob([bytes], { type });
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('base64url');
const announce = (uploaded, extra = {}) => ({
  ...uploaded, name: 'notes.bin', mime: 'application/octet-stream', ...extra,
});
const isIntegrity = (reason) => (error) => error instanceof FileIntegrityError && error.reason === reason;
const indexOf = (sought, bytes) => Buffer.from(bytes).indexOf(Buffer.from(sought));

async function uploaded(server, plain) {
  return uploadFile({
    api: server.api, roomId: ROOM, token: TOKEN, blob: blobOf(plain),
  });
}

test('a file goes up as ciphertext chunks in order and comes back whole, with progress both ways', async () => {
  const server = fakeServer();
  const plain = new Uint8Array(randomBytes(2 * CHUNK_BYTES + 12345));
  const upProgress = [];
  const result = await uploadFile({
    api: server.api, roomId: ROOM, token: TOKEN, blob: blobOf(plain), onProgress: (p) => upProgress.push(p),
  });
  assert.deepEqual(Object.keys(result), ['id', 'key', 'size', 'chunks', 'sha256']);
  assert.equal(result.size, plain.length);
  assert.equal(result.chunks, 3);
  assert.equal(result.sha256, sha256(plain));
  assert.match(result.key, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(upProgress.map((p) => p.loaded), [CHUNK_BYTES, 2 * CHUNK_BYTES, plain.length]);
  assert.ok(upProgress.every((p) => p.total === plain.length));

  assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), [
    `POST /api/rooms/${ROOM}/files`,
    ...[0, 1, 2].map((i) => `PUT /api/rooms/${ROOM}/files/${result.id}/chunks/${i}`),
  ]);
  assert.deepEqual(JSON.parse(server.requests[0].init.body), { chunks: 3, bytes: plain.length + 3 * 16 });
  for (const { init } of server.requests) {
    assert.equal(init.headers.Authorization, `Bearer ${TOKEN}`);
    assert.equal(init.credentials, 'omit');
    assert.equal(init.cache, 'no-store');
    assert.equal(init.referrerPolicy, 'no-referrer');
  }
  assert.ok(server.requests.slice(1).every((r) => r.init.headers['Content-Type'] === 'application/octet-stream'));
  const stored = server.files.get(result.id).stored;
  assert.deepEqual([...stored.values()].map((c) => c.length), [MAX_CHUNK_CT_BYTES, MAX_CHUNK_CT_BYTES, 12345 + 16]);
  assert.equal(indexOf(plain.subarray(0, 64), stored.get(0)), -1, 'the server holds no plaintext');

  server.requests.length = 0;
  const downProgress = [];
  const blob = await downloadFile({
    api: server.api, roomId: ROOM, token: OTHER_TOKEN, file: announce(result), onProgress: (p) => downProgress.push(p),
  });
  assert.equal(blob.type, 'application/octet-stream');
  assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), plain);
  assert.deepEqual(downProgress.map((p) => p.loaded), [CHUNK_BYTES, 2 * CHUNK_BYTES, plain.length]);
  assert.ok(server.requests.every((r) => r.method === 'GET'
    && r.path === `/api/rooms/${ROOM}/files/${result.id}/chunks/${r.path.split('/').pop()}`
    && r.init.headers.Accept === 'application/octet-stream'), 'only the Sotto API\'s chunk paths');
});

test('an empty file is one chunk of a bare tag, and a file of exactly one chunk is not two', async () => {
  const server = fakeServer();
  const empty = await uploaded(server, new Uint8Array(0));
  assert.equal(empty.chunks, 1);
  assert.equal(server.files.get(empty.id).stored.get(0).length, 16);
  const blob = await downloadFile({
    api: server.api, roomId: ROOM, token: TOKEN, file: announce(empty, { mime: 'text/plain' }),
  });
  assert.equal(blob.size, 0);
  assert.equal(blob.type, 'text/plain');

  const full = new Uint8Array(randomBytes(CHUNK_BYTES));
  const one = await uploaded(server, full);
  assert.equal(one.chunks, 1);
  const back = await downloadFile({
    api: server.api, roomId: ROOM, token: TOKEN, file: announce(one),
  });
  assert.deepEqual(new Uint8Array(await back.arrayBuffer()), full);
});

test('a file over the maximum is refused before any request', async () => {
  const server = fakeServer();
  const blob = blobOf(new Uint8Array(MAX_FILE_BYTES + 1));
  await assert.rejects(uploadFile({
    api: server.api, roomId: ROOM, token: TOKEN, blob,
  }), (error) => error instanceof FileTooLargeError && error.size === MAX_FILE_BYTES + 1
    && error.limit === 26_214_400);
  assert.equal(server.requests.length, 0);
});

test('a server that takes less refuses the creation with file_too_large; nothing is uploaded', async () => {
  const server = fakeServer({ maxBytes: 1000 });
  await assert.rejects(uploaded(server, new Uint8Array(1001)), (error) => error instanceof ApiError
    && error.status === 413 && error.code === 'file_too_large');
  assert.deepEqual(server.requests.map((r) => r.method), ['POST']);
});

test('an aborted upload stops sending chunks and deletes the partial file', async () => {
  const server = fakeServer();
  const controller = new AbortController();
  const plain = new Uint8Array(randomBytes(3 * CHUNK_BYTES));
  await assert.rejects(uploadFile({
    api: server.api,
    roomId: ROOM,
    token: TOKEN,
    blob: blobOf(plain),
    signal: controller.signal,
    onProgress: () => controller.abort(),
  }), (error) => error.name === 'AbortError');
  assert.deepEqual(server.requests.map((r) => r.method), ['POST', 'PUT', 'DELETE']);
  assert.equal(server.files.size, 0);
});

test('an abort while a chunk is on its way also deletes the partial file', async () => {
  const controller = new AbortController();
  const server = fakeServer({
    refuse: (request) => {
      if (request.method !== 'PUT') return null;
      controller.abort();
      throw new TypeError('fetch failed');
    },
  });
  await assert.rejects(uploadFile({
    api: server.api, roomId: ROOM, token: TOKEN, blob: blobOf(new Uint8Array(10)), signal: controller.signal,
  }), (error) => error.name === 'AbortError');
  assert.deepEqual(server.requests.map((r) => r.method), ['POST', 'PUT', 'DELETE']);
  assert.equal(server.files.size, 0);
});

test('a chunk refused by the server ends the upload with its code, and the partial file is deleted', async () => {
  const server = fakeServer({
    refuse: (request) => (request.path.endsWith('/chunks/1')
      ? refusal(429, 'rate_limited', { 'Retry-After': '7' }) : null),
  });
  await assert.rejects(uploaded(server, new Uint8Array(CHUNK_BYTES + 1)), (error) => error instanceof ApiError
    && error.code === 'rate_limited' && error.retryAfterSeconds === 7);
  assert.deepEqual(server.requests.map((r) => r.method), ['POST', 'PUT', 'PUT', 'DELETE']);
  assert.equal(server.files.size, 0);
});

test('a failed clean-up does not hide why the upload failed', async () => {
  const server = fakeServer({
    refuse: (request) => (request.method === 'PUT' || request.method === 'DELETE' ? refusal(503, 'unavailable') : null),
  });
  await assert.rejects(uploaded(server, new Uint8Array(5)), (error) => error instanceof ApiError
    && error.code === 'unavailable');
  assert.deepEqual(server.requests.map((r) => r.method), ['POST', 'PUT', 'DELETE']);
});

test('a server that cannot take full chunks is left at once', async () => {
  const server = fakeServer({
    refuse: (request) => (request.method === 'POST' ? json(201, { fileId: 'A'.repeat(22), chunkBytes: 1024 }) : null),
  });
  await assert.rejects(uploaded(server, new Uint8Array(5)), /chunks of 1024 bytes/);
  assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path.split('/').pop()}`), [
    'POST files', `DELETE ${'A'.repeat(22)}`,
  ]);
});

test('a chunk altered, swapped or dropped by the server is refused', async () => {
  const plain = new Uint8Array(randomBytes(2 * CHUNK_BYTES + 10));
  const attacks = {
    'a flipped bit': (stored) => { stored.get(1)[100] ^= 1; },
    'two chunks swapped': (stored) => {
      const first = stored.get(0);
      stored.set(0, stored.get(1));
      stored.set(1, first);
    },
    'a full chunk served in place of the last': (stored) => stored.set(2, stored.get(1)),
  };
  for (const [what, attack] of Object.entries(attacks)) {
    const server = fakeServer();
    const result = await uploaded(server, plain);
    attack(server.files.get(result.id).stored);
    await assert.rejects(downloadFile({
      api: server.api, roomId: ROOM, token: TOKEN, file: announce(result),
    }), (error) => error instanceof FileIntegrityError, what);
  }
});

test('a chunk cut short by the server is refused by its size, before decryption', async () => {
  const server = fakeServer();
  const result = await uploaded(server, new Uint8Array(randomBytes(100)));
  const stored = server.files.get(result.id).stored;
  stored.set(0, stored.get(0).subarray(0, 90));
  await assert.rejects(downloadFile({
    api: server.api, roomId: ROOM, token: TOKEN, file: announce(result),
  }), isIntegrity('size'));
});

test('an announcement that cuts the file after a full chunk is refused (the last flag)', async () => {
  const server = fakeServer();
  const result = await uploaded(server, new Uint8Array(randomBytes(CHUNK_BYTES + 10)));
  const cut = {
    ...result, size: CHUNK_BYTES, chunks: 1,
  };
  await assert.rejects(downloadFile({
    api: server.api, roomId: ROOM, token: TOKEN, file: announce(cut),
  }), isIntegrity('chunk'));
});

test('an announcement of another size or hash than the file\'s is refused', async () => {
  const server = fakeServer();
  const plain = new Uint8Array(randomBytes(CHUNK_BYTES + 10));
  const result = await uploaded(server, plain);
  await assert.rejects(downloadFile({
    api: server.api, roomId: ROOM, token: TOKEN, file: announce({ ...result, size: CHUNK_BYTES + 9 }),
  }), isIntegrity('size'));
  const otherHash = sha256(plain.subarray(1));
  await assert.rejects(downloadFile({
    api: server.api, roomId: ROOM, token: TOKEN, file: announce({ ...result, sha256: otherHash }),
  }), isIntegrity('hash'));
});

test('a malformed announcement is refused before any request; nothing but chunk paths is ever fetched', async () => {
  const server = fakeServer();
  const result = await uploaded(server, new Uint8Array(3));
  server.requests.length = 0;
  const bad = [
    { id: '../../../elsewhere' }, { id: 'https://evil.example/x' }, { key: 'AAAA' }, { chunks: 2 }, { size: -1 },
    { sha256: 'x' }, { name: '' }, { mime: 5 }, { size: MAX_FILE_BYTES + 1, chunks: 26 },
  ];
  for (const change of bad) {
    await assert.rejects(downloadFile({
      api: server.api, roomId: ROOM, token: TOKEN, file: announce(result, change),
    }), isIntegrity('announcement'), JSON.stringify(change));
  }
  assert.equal(server.requests.length, 0);
});

test('a file that is gone answers file_not_found, and a download can be aborted', async () => {
  const server = fakeServer();
  const result = await uploaded(server, new Uint8Array(randomBytes(CHUNK_BYTES + 1)));
  const controller = new AbortController();
  await assert.rejects(downloadFile({
    api: server.api,
    roomId: ROOM,
    token: TOKEN,
    file: announce(result),
    signal: controller.signal,
    onProgress: () => controller.abort(),
  }), (error) => error.name === 'AbortError');
  await server.api.deleteFile(ROOM, TOKEN, result.id);
  await assert.rejects(downloadFile({
    api: server.api, roomId: ROOM, token: TOKEN, file: announce(result),
  }), (error) => error instanceof ApiError && error.status === 404 && error.code === 'file_not_found');
});

test('the file calls carry the server\'s refusal codes, and a chunk comes back as bytes', async () => {
  const server = fakeServer();
  const { fileId, chunkBytes } = await server.api.createFile(ROOM, TOKEN, { chunks: 1, bytes: 20 });
  assert.equal(chunkBytes, MAX_CHUNK_CT_BYTES);
  await server.api.putChunk(ROOM, TOKEN, fileId, 0, new Uint8Array(20).fill(9));
  await assert.rejects(server.api.putChunk(ROOM, TOKEN, fileId, 0, new Uint8Array(20)), (error) => error
    instanceof ApiError && error.status === 409 && error.code === 'chunk_exists');
  await assert.rejects(server.api.putChunk(ROOM, OTHER_TOKEN, fileId, 0, new Uint8Array(20)), (error) => error
    instanceof ApiError && error.status === 403);
  assert.deepEqual(await server.api.getChunk(ROOM, OTHER_TOKEN, fileId, 0), new Uint8Array(20).fill(9));
  await assert.rejects(server.api.createFile(ROOM, TOKEN, { chunks: 0, bytes: 0 }), (error) => error
    instanceof ApiError && error.code === 'bad_request');
  await assert.rejects(server.api.getChunk(ROOM, TOKEN, fileId, -1), RangeError);
  await assert.rejects(createApi(async () => { throw new TypeError('offline'); }).getChunk(ROOM, TOKEN, fileId, 0),
    (error) => error instanceof ApiError && error.status === 0 && error.code === 'network');
  await assert.rejects(createApi(async () => json(201, { fileId: 'no' }))
    .createFile(ROOM, TOKEN, { chunks: 1, bytes: 16 }), (error) => error.code === 'bad_response');
});
