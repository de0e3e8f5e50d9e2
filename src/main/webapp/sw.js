// Sotto's service worker: keeps the static shell of the page (index.html, styles, scripts, icons, the QR library) so
// that the page opens quickly and as an installed app. Network first: the server's copy wins whenever it answers,
// the cached one is used only when it does not. It never answers, caches or even sees anything of a room: requests
// outside the shell (/api/*, /ws and every WebSocket, /health, /metrics, anything with a query) are left alone and go
// to the network exactly as without a worker; WebSockets never pass through service workers anyway. A new VERSION
// (any change of this file) makes the browser install the new worker beside the old one: the page then offers a
// reload (js/install.js), and the old caches go when the new worker takes over.

const VERSION = '2';
const PREFIX = 'sotto-shell-';
const CACHE = PREFIX + VERSION;

/** Fetched at install, so that the shell works offline after the first visit. */
const CORE = [
  '/',
  '/manifest.webmanifest',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
  '/js/vendor/qrcode-generator/qrcode.mjs',
];

const NEVER = /^\/(?:api|ws|health|metrics)(?:[/.]|$)/;
const STATIC = /^\/(?:css\/[\w-]+\.css|js\/[\w/.-]+\.m?js|icons\/[\w-]+\.(?:png|svg))$/;

/** Whether a GET of this URL is part of the static shell (and so may be cached). */
function isShell(url) {
  if (url.origin !== self.location.origin || url.search !== '' || NEVER.test(url.pathname)) {
    return false;
  }
  const path = url.pathname;
  return path === '/' || path === '/index.html' || path === '/manifest.webmanifest'
      || (STATIC.test(path) && !path.includes('..'));
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (offline) {
    const kept = await cache.match(request);
    if (kept) {
      return kept;
    }
    throw offline;
  }
}

self.addEventListener('install', (event) => {
  // One missing file (say, the QR library of a build that skipped npm) must not keep the worker from installing.
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(CORE.map((path) => cache.add(path).catch(() => {})))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
      names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name)))));
});

self.addEventListener('message', (event) => {
  // The page's "Reload" on the update notice: the waiting worker takes over, the page then reloads.
  if (event.data === 'skip-waiting') {
    self.skipWaiting();
  }
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !isShell(new URL(request.url))) {
    return;
  }
  event.respondWith(networkFirst(request));
});
