// What the browser keeps of rooms, and its removal: sessions of rooms that no longer exist are dropped on
// the next visit, and "Leave no trace" erases everything this origin stored in the browser.

import { ApiError } from './api.js';

const GONE = new Set([401, 403, 404, 410]);

/**
 * Drops kept sessions that are too old, and those whose room the server no longer knows (their token is
 * refused, or the room is not found). `except` is the room being entered, which finds that out itself.
 * Unreachable server: the entries stay for the next visit.
 */
export async function sweepStale(store, api, except = null) {
  await Promise.all(store.entries().map(async ({ roomId, token, expired }) => {
    if (roomId === except) return;
    if (expired) {
      store.remove(roomId);
      return;
    }
    try {
      await api.check(roomId, token);
    } catch (error) {
      if (error instanceof ApiError && GONE.has(error.status)) store.remove(roomId);
    }
  }));
}

/**
 * Erases everything this origin keeps in the browser: both storages, and any IndexedDB database or cache
 * (Sotto makes none; a browser extension or an older version might have).
 */
export async function eraseAll(g = globalThis) {
  for (const storage of ['sessionStorage', 'localStorage']) {
    try {
      g[storage].clear();
    } catch {
      // Storage disabled: nothing there.
    }
  }
  const pending = [];
  try {
    if (g.indexedDB && typeof g.indexedDB.databases === 'function') {
      for (const { name } of await g.indexedDB.databases()) {
        if (name) {
          pending.push(new Promise((resolve) => {
            const request = g.indexedDB.deleteDatabase(name);
            request.onsuccess = resolve;
            request.onerror = resolve;
            request.onblocked = resolve;
          }));
        }
      }
    }
    if (g.caches) for (const name of await g.caches.keys()) pending.push(g.caches.delete(name));
  } catch {
    // Not available here: nothing to erase.
  }
  await Promise.all(pending);
}

/** Calls `action` when Escape is pressed `times` times within `withinMs`. */
export function onRepeatedEscape(target, { times = 3, withinMs = 1500, now = Date.now, when = () => true }, action) {
  let presses = [];
  target.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || event.repeat || !when()) return;
    const t = now();
    presses = [...presses.filter((p) => t - p < withinMs), t];
    if (presses.length >= times) {
      presses = [];
      action();
    }
  }, true);
}
