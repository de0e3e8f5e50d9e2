// A room's file transfers (files/file-transfers.js) against an in-memory stand-in for the four file calls of api.js:
// what is announced, what is reported to the view, and what reaches the "server" when a file is too large or
// cancelled. Crypto, upload and download themselves are tested in file-crypto and file-transfer tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileTransfers, fileName, MAX_NAME_CHARS } from '../../main/webapp/js/files/file-transfers.js';
import { FileTooLargeError, MAX_FILE_BYTES } from '../../main/webapp/js/files/upload.js';

function memoryApi({ holdChunk = null } = {}) {
  const files = new Map();
  const calls = [];
  let next = 0;
  return {
    calls,
    async createFile(roomId, token, { chunks, bytes }) {
      calls.push('create');
      next += 1;
      const fileId = Buffer.alloc(16, next).toString('base64url');
      files.set(fileId, { chunks, bytes, stored: new Map() });
      return { fileId, chunkBytes: 1048592 };
    },
    async putChunk(roomId, token, fileId, index, bytes, { signal } = {}) {
      calls.push(`put ${index}`);
      if (holdChunk !== null && index === holdChunk) {
        await new Promise((resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason));
        });
      }
      files.get(fileId).stored.set(index, new Uint8Array(bytes));
    },
    async getChunk(roomId, token, fileId, index) {
      calls.push(`get ${index}`);
      return files.get(fileId).stored.get(index);
    },
    async deleteFile(roomId, token, fileId) {
      calls.push('delete');
      files.delete(fileId);
    },
  };
}

function transfers(api) {
  const announced = [];
  const reports = [];
  const t = new FileTransfers({
    api,
    access: () => ({ roomId: 'R'.repeat(43), token: 'T'.repeat(43) }),
    announce: async (file) => { announced.push(file); },
    report: {
      progress: (name, done, total) => reports.push(['progress', name, done, total]),
      finished: () => reports.push(['finished']),
      failed: (name, error) => reports.push(['failed', name, error]),
    },
    pastedName: 'pasted file',
  });
  return { t, announced, reports };
}

test('a file name keeps its extension within 255 characters, loses control characters, and has a fallback', () => {
  const long = `${'a'.repeat(300)}.pdf`;
  assert.equal(fileName(long, 'x').length, MAX_NAME_CHARS);
  assert.ok(fileName(long, 'x').endsWith('.pdf'));
  assert.equal(fileName('re\u0000port\n.txt', 'x'), 'report.txt');
  assert.equal(fileName('   ', 'pasted file'), 'pasted file');
  assert.equal(fileName(undefined, 'pasted file'), 'pasted file');
});

test('a document is uploaded, announced with its key, name, type, size and hash, and opens to the same bytes', async () => {
  const api = memoryApi();
  const { t, announced, reports } = transfers(api);
  const bytes = new Uint8Array(1048576 + 10).map((_, i) => i % 251);
  await t.send([new File([bytes], 'notes.txt', { type: 'text/plain' })]);
  assert.equal(announced.length, 1);
  const [file] = announced;
  assert.equal(file.name, 'notes.txt');
  assert.equal(file.mime, 'text/plain');
  assert.equal(file.size, bytes.length);
  assert.equal(file.chunks, 2);
  assert.equal(file.thumb, undefined, 'a document has no thumbnail');
  assert.match(file.key, /^[\w-]{43}$/);
  assert.match(file.sha256, /^[\w-]{43}$/);
  assert.deepEqual(reports.at(-1), ['finished']);
  assert.ok(reports.some(([kind, , done, total]) => kind === 'progress' && done === total && total === bytes.length));
  const progress = [];
  const blob = await t.open(file, (loaded, total) => progress.push([loaded, total]));
  assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), bytes);
  assert.equal(blob.type, 'text/plain');
  assert.deepEqual(progress.at(-1), [bytes.length, bytes.length]);
});

test('a file above the limit is reported as too large and nothing is asked of the server', async () => {
  const api = memoryApi();
  const { t, announced, reports } = transfers(api);
  await t.send([{ name: 'huge.bin', type: '', size: MAX_FILE_BYTES + 1 }]);
  assert.deepEqual(api.calls, []);
  assert.equal(announced.length, 0);
  const [kind, name, error] = reports.at(-1);
  assert.equal(kind, 'failed');
  assert.equal(name, 'huge.bin');
  assert.ok(error instanceof FileTooLargeError);
});

test('cancelling an upload deletes the partial file, announces nothing, and the next file is still sent', async () => {
  const api = memoryApi({ holdChunk: 1 });
  const { t, announced, reports } = transfers(api);
  const sending = t.send([new File([new Uint8Array(1048576 + 1)], 'big.bin')]);
  while (!api.calls.includes('put 1')) await new Promise((resolve) => { setImmediate(resolve); });
  t.cancel();
  await sending;
  assert.ok(api.calls.includes('delete'), api.calls.join());
  assert.equal(announced.length, 0);
  assert.equal(reports.at(-1)[0], 'failed');
  assert.equal(reports.at(-1)[2].name, 'AbortError');
  await t.send([new File([new Uint8Array(3)], 'small.bin')]);
  assert.equal(announced.length, 1);
});
