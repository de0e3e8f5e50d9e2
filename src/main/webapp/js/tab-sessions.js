// A duplicated tab starts with a copy of its original's sessionStorage, and so with the same session: both
// would reserve the same counters, and the server would take the copy's messages for resends of the
// original's. Tabs of this origin therefore ask each other over a BroadcastChannel (it stays in the browser)
// before using a kept session; a tab whose session is already in use elsewhere joins as a new participant.

const CHANNEL = 'sotto.sessions';
/** How long a tab waits for an answer before it holds a kept session as its own. */
export const ASK_MS = 500;

export function createTabSessions({ Channel = globalThis.BroadcastChannel, timers = globalThis } = {}) {
  if (typeof Channel !== 'function') {
    return { ask: () => () => {}, hold: () => () => {}, isHeld: async () => true };
  }
  const channel = new Channel(CHANNEL);
  const held = new Set(); // session IDs this tab uses
  const asking = new Map(); // session ID -> called when another tab uses it

  channel.onmessage = ({ data }) => {
    if (!data || typeof data.sessionId !== 'string') return;
    if (data.t === 'who' && held.has(data.sessionId)) channel.postMessage({ t: 'mine', sessionId: data.sessionId });
    if (data.t === 'mine') asking.get(data.sessionId)?.();
  };

  function hold(sessionId) {
    held.add(sessionId);
    return () => held.delete(sessionId);
  }

  return {
    /** This tab uses a session it just got: it answers for it. Returns the release. */
    hold,
    /** Whether this tab or another open one uses the session (another tab answers within ASK_MS). */
    isHeld(sessionId) {
      if (held.has(sessionId)) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = timers.setTimeout(() => {
          asking.delete(sessionId);
          resolve(false);
        }, ASK_MS);
        asking.set(sessionId, () => {
          asking.delete(sessionId);
          timers.clearTimeout(timer);
          resolve(true);
        });
        channel.postMessage({ t: 'who', sessionId });
      });
    },
    /**
     * This tab wants to use a kept session: `onTaken` is called if another tab already does; otherwise the tab
     * holds it after ASK_MS. Returns the release.
     */
    ask(sessionId, onTaken) {
      let release = () => {};
      let done = false;
      const timer = timers.setTimeout(() => {
        asking.delete(sessionId);
        if (!done) release = hold(sessionId);
      }, ASK_MS);
      asking.set(sessionId, () => {
        asking.delete(sessionId);
        timers.clearTimeout(timer);
        if (!done) onTaken();
      });
      channel.postMessage({ t: 'who', sessionId });
      return () => {
        done = true;
        asking.delete(sessionId);
        timers.clearTimeout(timer);
        release();
      };
    },
  };
}
