// English catalog: the reference every other catalog must match key for key (src/test/js/i18n.test.mjs).
// Keys are grouped by the part of the page they belong to: landing.*, room.*, call.*, people.*, notice.*, …

export default {
  'app.title': 'Sotto — private chat',
};
