// Who else is in the call, as their own encrypted signals said: for each session its generation (one stay in
// the call), its microphone, camera and screen state and the ID of its screen stream. No DOM, no I/O.

export class Roster {
  constructor() {
    this.members = new Map(); // sessionId -> { gen, media: { mic, cam, screen }, screenStream }
  }

  get size() {
    return this.members.size;
  }

  get(id) {
    return this.members.get(id) ?? null;
  }

  has(id) {
    return this.members.has(id);
  }

  ids() {
    return [...this.members.keys()];
  }

  /**
   * Records a member's stay. Returns true when it replaces another generation of theirs (they left and
   * joined again), so that whatever belonged to the old one is closed.
   */
  set(id, { gen, media, screenStream }) {
    const known = this.members.get(id);
    this.members.set(id, { gen, media: { ...media }, screenStream });
    return known !== undefined && known.gen !== gen;
  }

  /** Removes a member; with `gen`, only when that is still their current stay. Returns whether it did. */
  remove(id, gen) {
    const known = this.members.get(id);
    if (!known || (gen !== undefined && known.gen !== gen)) return false;
    this.members.delete(id);
    return true;
  }

  /** Keeps only members who are online. Returns the IDs removed. */
  retain(online) {
    const gone = this.ids().filter((id) => !online.has(id));
    for (const id of gone) this.members.delete(id);
    return gone;
  }

  clear() {
    this.members.clear();
  }
}
