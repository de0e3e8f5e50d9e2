// Files into the room: "Attach file" (a file picker), files dropped on the conversation, and files pasted into the
// message box; below the list, the upload under way ("Encrypting and uploading photo.jpg: 40 %") with "Cancel upload",
// and why a file could not be sent.

import { msg, setText } from '../i18n.js';
import { byId } from './dom.js';
import { fileSize } from './file-card.js';

export function createAttach({ onFiles, onCancel }) {
  const button = byId('attach-button');
  const input = byId('file-input');
  const status = byId('file-status');
  const statusText = byId('file-status-text');
  const cancel = byId('file-cancel');
  const dropZone = byId('conversation');
  const message = byId('message-input');
  let enabled = false;

  const give = (files) => {
    const list = [...files];
    if (enabled && list.length > 0) onFiles(list);
  };

  button.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    give(input.files);
    input.value = '';
  });
  cancel.addEventListener('click', () => onCancel());

  const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  dropZone.addEventListener('dragover', (event) => {
    if (!enabled || !carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    dropZone.classList.add('dropping');
  });
  dropZone.addEventListener('dragleave', (event) => {
    if (!dropZone.contains(event.relatedTarget)) dropZone.classList.remove('dropping');
  });
  dropZone.addEventListener('drop', (event) => {
    dropZone.classList.remove('dropping');
    if (!enabled || !carriesFiles(event)) return;
    event.preventDefault();
    give(event.dataTransfer.files);
  });
  // A pasted screenshot or copied file: sent as a file; pasted text stays text.
  message.addEventListener('paste', (event) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (!enabled || files.length === 0) return;
    event.preventDefault();
    give(files);
  });

  function show(text, { busy }) {
    setText(statusText, text);
    status.hidden = false;
    status.classList.toggle('error', !busy);
    cancel.hidden = !busy;
  }

  return {
    setEnabled(on) {
      enabled = on;
      button.disabled = !on;
    },
    progress(name, done, total) {
      const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
      show(msg('files.uploading', { name, percent, size: fileSize(total) }), { busy: true });
    },
    finished() {
      status.hidden = true;
      setText(statusText, '');
    },
    failed(text) {
      show(text, { busy: false });
    },
    clear() {
      status.hidden = true;
      setText(statusText, '');
    },
  };
}
