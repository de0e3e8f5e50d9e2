// English catalog: the reference every other catalog must match key for key (src/test/js/i18n.test.mjs).
// Keys are grouped by the part of the page they belong to: landing.*, room.*, call.*, people.*, notice.*, …

export default {
  'app.title': 'Sotto — private chat',

  'layout.people': 'People',
  'layout.peopleButton': 'People ({count})',
  'layout.closePeople': 'Close people list',
  'layout.newMessages': 'New messages',
  'layout.callCollapse': 'Hide call',
  'layout.callExpand': 'Show call',
  'layout.announceMessage': 'New message from {nick}: {text}',
  'layout.announceNotice': '{text}',
  'layout.announceMany': '{count} new messages',

  'unread.settingsTitle': 'In this tab',
  'unread.notifications': 'Notifications',
  'unread.notificationsHint': 'While this tab is hidden: only “New message in Sotto”, never the text, a name or the room code.',
  'unread.notificationsBlocked': 'This browser blocks notifications from this page; allow them in its site settings.',
  'unread.sound': 'Sound for new messages',
  'unread.notificationTitle': 'New message in Sotto',

  'notice.joined': '{nick} joined',
  'notice.joinedSomeone': 'Someone joined',
  'notice.left': '{nick} left',
  'notice.leftSomeone': 'Someone left',
  'notice.renamed': '{from} is now called {to}',
  'notice.locked': 'The room was locked',
  'notice.unlocked': 'The room was unlocked',
  'notice.knockOn': 'Newcomers now knock',
  'notice.knockOff': 'Newcomers no longer knock',
};
