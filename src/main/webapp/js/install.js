// Installable app: the manifest is linked from index.html; this module registers the service worker that keeps the
// static shell (sw.js) and shows the update notice when a new version of the page waits.

import { watchServiceWorker } from './sw-updates.js';
import { createUpdateNotice } from './views/update-notice.js';

if (globalThis.isSecureContext && globalThis.navigator.serviceWorker) {
  const notice = createUpdateNotice();
  watchServiceWorker({
    container: globalThis.navigator.serviceWorker,
    onUpdate: (accept) => notice.show(accept),
    reload: () => globalThis.location.reload(),
  });
}
