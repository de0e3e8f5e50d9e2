import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { watchServiceWorker } from '../../main/webapp/js/sw-updates.js';

const ORIGIN = 'https://sotto.example';

/** Runs sw.js in a worker-like global; returns its event listeners and the requests it answered. */
function loadWorker() {
  const listeners = {};
  const self = {
    location: new URL(ORIGIN + '/sw.js'),
    addEventListener: (type, fn) => { listeners[type] = fn; },
    skipWaiting: () => { self.skipped = true; },
  };
  const cached = [];
  const caches = {
    open: async () => ({ put: async (request) => { cached.push(request.url); }, match: async () => undefined }),
  };
  const fetch = async () => ({ ok: true, type: 'basic', clone() { return this; } });
  vm.runInNewContext(readFileSync(new URL('../../main/webapp/sw.js', import.meta.url), 'utf8'),
    { self, URL, caches, fetch });
  return { self, listeners, cached };
}

function answers(listeners, url, method = 'GET') {
  let answered = false;
  listeners.fetch({ request: { url, method }, respondWith: (response) => { answered = response; } });
  return answered;
}

test('the worker answers for the static shell only, never for the API, the socket, health, metrics or a query', async () => {
  const { listeners, cached } = loadWorker();
  for (const path of ['/', '/index.html', '/manifest.webmanifest', '/css/base.css', '/js/app.js',
    '/js/views/qr-dialog.js', '/js/vendor/qrcode-generator/qrcode.mjs', '/icons/icon-192.png', '/icons/icon.svg']) {
    assert.ok(answers(listeners, ORIGIN + path), path);
  }
  for (const path of ['/api/rooms', '/api/rooms/abc/messages', '/api/ice', '/ws', '/ws/relay', '/health',
    '/health/ready', '/metrics', '/?code=7F3K', '/js/app.js?v=2', '/error/404.html', '/sw.js', '/js/../api/x.js',
    '/WEB-INF/web.xml', '/css/x.html']) {
    assert.ok(!answers(listeners, ORIGIN + path), path);
  }
  assert.ok(!answers(listeners, 'https://elsewhere.example/js/app.js'), 'another origin');
  assert.ok(!answers(listeners, ORIGIN + '/js/app.js', 'POST'), 'not a GET');
  await answers(listeners, ORIGIN + '/css/base.css');
  assert.deepEqual(cached.filter((url) => !url.startsWith(ORIGIN + '/') || /\/(api|ws|health|metrics)/.test(url)), []);
  assert.ok(cached.includes(ORIGIN + '/css/base.css'));
});

test('the waiting worker takes over only when asked', () => {
  const { self, listeners } = loadWorker();
  listeners.message({ data: 'something else' });
  assert.ok(!self.skipped);
  listeners.message({ data: 'skip-waiting' });
  assert.ok(self.skipped);
});

class FakeTarget {
  constructor() { this.listeners = {}; }
  addEventListener(type, fn) { (this.listeners[type] ??= []).push(fn); }
  fire(type) { for (const fn of this.listeners[type] ?? []) fn(); }
}

function fakeContainer({ controller = null, waiting = null } = {}) {
  const registration = Object.assign(new FakeTarget(), { waiting, installing: null });
  const container = Object.assign(new FakeTarget(), {
    controller,
    registered: [],
    register: async (url, options) => { container.registered.push([url, options]); return registration; },
  });
  return { container, registration };
}

function worker(state = 'installing') {
  return Object.assign(new FakeTarget(), { state, posted: [], postMessage(m) { this.posted.push(m); } });
}

test('a new version is offered only over an older one, and taking it reloads once it controls the page', async () => {
  const { container, registration } = fakeContainer({ controller: {} });
  const offers = [];
  let reloads = 0;
  await watchServiceWorker({ container, onUpdate: (accept) => offers.push(accept), reload: () => { reloads += 1; } });
  assert.deepEqual(container.registered, [['/sw.js', { scope: '/' }]]);
  assert.equal(offers.length, 0);

  const next = worker();
  registration.installing = next;
  registration.fire('updatefound');
  next.fire('statechange');
  assert.equal(offers.length, 0, 'still installing');
  next.state = 'installed';
  next.fire('statechange');
  assert.equal(offers.length, 1);

  container.fire('controllerchange');
  assert.equal(reloads, 0, 'no reload the person did not ask for');
  offers[0]();
  assert.deepEqual(next.posted, ['skip-waiting']);
  container.fire('controllerchange');
  assert.equal(reloads, 1);
});

test('the first install is no update, a version already waiting is, and a failed registration is quiet', async () => {
  const offers = [];
  const first = fakeContainer();
  first.registration.waiting = worker('installed');
  await watchServiceWorker({ container: first.container, onUpdate: (a) => offers.push(a), reload: () => {} });
  assert.equal(offers.length, 0);

  const waiting = fakeContainer({ controller: {}, waiting: worker('installed') });
  await watchServiceWorker({ container: waiting.container, onUpdate: (a) => offers.push(a), reload: () => {} });
  assert.equal(offers.length, 1);

  const failing = { register: async () => { throw new Error('denied'); } };
  assert.equal(await watchServiceWorker({ container: failing, onUpdate: () => {}, reload: () => {} }), null);
});
