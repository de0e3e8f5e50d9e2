// Every script the page loads parses as an ES module: a syntax error (a name imported and declared twice, say) in
// a view that no unit test imports would otherwise show only in a browser, as a page that never starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webapp = fileURLToPath(new URL('../../main/webapp/', import.meta.url));

function scripts(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'vendor' ? [] : scripts(path);
    return /\.m?js$/.test(entry.name) ? [path] : [];
  });
}

test('every script of the page parses as a module', () => {
  const files = [...scripts(join(webapp, 'js')), join(webapp, 'sw.js')];
  assert.ok(files.length > 40, `found ${files.length} scripts`);
  const broken = files
    .map((file) => ({ file, result: spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' }) }))
    .filter(({ result }) => result.status !== 0)
    .map(({ file, result }) => `${file}: ${result.stderr.split('\n').find((line) => /Error/.test(line))}`);
  assert.deepEqual(broken, []);
});
