// What the browser keeps of rooms, and its removal: sessions of other rooms are dropped on the next visit, and "Leave no trace" erases everything this origin stored in the browser.

import { DB_NAME as KEYS_DB } from './trust/member-keys.js';

/**
 * Drops every kept session but the one of the room being entered (`except`): a tab is in one room at a time, and a
 * session it left behind is either gone with its room or not worth keeping. The server is not asked which rooms
 * still exist: checking several tokens from one browser at once would tell it that those sessions are one person's.
 */
export function sweepStale(store, except = null) {
  store.keepOnly(except);
}

/**
 * Deletes the member keys (trust/member-keys.js) of every session that no open tab of this browser uses: the keys
 * of a tab closed without leaving go on the next visit. `keep`: the session this tab is about to use again.
 * IndexedDB is shared by the tabs, so each one is asked first (tab-sessions.js).
 */
export async function sweepKeys(keyStore, tabs, keep = null) {
  const ids = (await keyStore.sessionIds()).filter((id) => id !== keep);
  const held = await Promise.all(ids.map((id) => tabs.isHeld(id)));
  await Promise.all(ids.filter((id, i) => !held[i]).map((id) => keyStore.remove(id)));
}

/**
 * Erases everything this origin keeps in the browser: both storages, every IndexedDB database (Sotto's member keys
 * in `sotto-keys`, named even where the browser cannot list its databases), every service worker registration (the
 * installable shell, sw.js) and every cache (the shell's, and any other an older version might have made).
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
    if (g.indexedDB) {
      const listed = typeof g.indexedDB.databases === 'function' ? await g.indexedDB.databases() : [];
      for (const name of new Set([KEYS_DB, ...listed.map((db) => db.name)])) {
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
    const workers = g.navigator?.serviceWorker;
    if (workers && typeof workers.getRegistrations === 'function') {
      for (const registration of await workers.getRegistrations()) pending.push(registration.unregister());
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
