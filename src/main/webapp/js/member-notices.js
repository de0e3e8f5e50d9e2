// Which timeline notice an event of the room gives: someone joined, left or took a new name, the room was locked or
// made newcomers knock. No DOM and no text: it returns descriptors that the view turns into words.
//
// Names come only from verified encrypted profiles (given by the caller); a member whose profile is not known yet is
// "someone", and their join notice is named once the profile arrives. Whoever is already there when this browser
// enters (the first welcome and the presence that follows it) gives no notice.

export class MemberNotices {
  constructor() {
    this.known = new Set(); // members seen in a welcome, a presence or a profile, until they leave
    this.names = new Map(); // sessionId -> nickname from their verified profile
    this.unnamedJoins = new Set(); // members whose join notice still says "someone"
    this.quiet = true; // during a welcome: profiles are taken in silently
    this.entered = false;
    this.absorbPresence = false;
    this.settings = null;
  }

  /** A welcome begins: what it brings is the room as it already is. */
  welcoming(selfId) {
    this.quiet = true;
    if (selfId) this.known.add(selfId);
  }

  /** The welcome is done. After the first one, the next presence still lists those already there. */
  welcomed() {
    this.quiet = false;
    if (!this.entered) this.absorbPresence = true;
    this.entered = true;
  }

  /** Who is connected now. */
  presence(ids) {
    const fresh = ids.filter((id) => !this.known.has(id));
    for (const id of fresh) this.known.add(id);
    if (this.absorbPresence || this.quiet) {
      this.absorbPresence = false;
      return [];
    }
    return fresh.map((id) => this.joined(id));
  }

  joined(id) {
    const nick = this.names.get(id) ?? null;
    if (nick === null) this.unnamedJoins.add(id);
    return { kind: 'joined', id, nick };
  }

  /** A member's verified profile, with the nickname it carries. */
  profile(id, nick) {
    const before = this.names.get(id) ?? null;
    if (nick) this.names.set(id, nick);
    if (!nick) return [];
    if (!this.known.has(id)) {
      this.known.add(id);
      return this.quiet || !this.entered ? [] : [this.joined(id)];
    }
    if (this.unnamedJoins.delete(id)) return [{ kind: 'named', id, nick }];
    if (before !== null && before !== nick && !this.quiet) return [{ kind: 'renamed', id, from: before, to: nick }];
    return [];
  }

  /** A member left the room for good (removed: the owner removed them). */
  left(id, removed = false) {
    if (!this.known.delete(id)) return [];
    const nick = this.names.get(id) ?? null;
    this.names.delete(id);
    this.unnamedJoins.delete(id);
    return removed ? [] : [{ kind: 'left', id, nick }];
  }

  /** The room's settings now; a change after entering is a notice. */
  roomSettings({ locked, knock }) {
    const before = this.settings;
    this.settings = { locked: Boolean(locked), knock: Boolean(knock) };
    if (before === null || this.quiet) return [];
    const out = [];
    if (before.locked !== this.settings.locked) out.push({ kind: this.settings.locked ? 'locked' : 'unlocked' });
    if (before.knock !== this.settings.knock) out.push({ kind: this.settings.knock ? 'knockOn' : 'knockOff' });
    return out;
  }
}
