// The update notice (#update-notice): "A new version of Sotto is ready" with a "Reload" button.

import { byId } from './dom.js';

export function createUpdateNotice() {
  const node = byId('update-notice');
  const reload = byId('update-reload');
  let accept = null;

  reload.addEventListener('click', () => {
    reload.disabled = true;
    accept?.();
  });

  return {
    show(onReload) {
      accept = onReload;
      reload.disabled = false;
      node.hidden = false;
    },
  };
}
