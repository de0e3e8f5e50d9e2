// English catalog: the reference every other catalog must match key for key (src/test/js/i18n.test.mjs).
// Keys are grouped by the part of the page they belong to: landing.*, room.*, call.*, people.*, notice.*, …

export default {
  'app.title': 'Sotto — private chat',
  'qr.show': 'Show QR code',
  'qr.title': 'Invite link as a QR code',
  'qr.hint': 'Anyone who scans this code can enter the room: show it only to the people you mean to invite.',
  'qr.image': 'QR code of the invite link',
  'qr.close': 'Close',
  'qr.failed': 'The QR code cannot be shown here. Use “Copy invite link” instead.',
  'install.updateReady': 'A new version of Sotto is ready.',
  'install.reload': 'Reload',
};
