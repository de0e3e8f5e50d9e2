// The service worker's life as the page sees it: registers sw.js for the whole origin, reports a new version that
// waits to take over (only when an older one controls the page: the first install is no update), and takes it on
// request (the waiting worker skips waiting, the page reloads when it has taken over). No DOM, no text.

/**
 * container: navigator.serviceWorker; onUpdate(accept): called once a new version waits, `accept()` switches to it;
 * reload: what to do once the new version controls the page. Resolves to the registration, or null.
 */
export async function watchServiceWorker({ container, onUpdate, reload }) {
  let registration;
  try {
    registration = await container.register('/sw.js', { scope: '/' });
  } catch {
    return null;
  }
  let accepted = false;
  let offered = null;
  container.addEventListener('controllerchange', () => {
    if (accepted) {
      accepted = false;
      reload();
    }
  });
  const offer = (worker) => {
    if (!worker || !container.controller || offered === worker) return;
    offered = worker;
    onUpdate(() => {
      accepted = true;
      worker.postMessage('skip-waiting');
    });
  };
  offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed') offer(worker);
    });
  });
  return registration;
}
