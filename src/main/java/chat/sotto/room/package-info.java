/**
 * Rooms and their lifecycle: creation with an owner session, joining, the owner closing or leaving, owner-absence
 * grace and idle expiry. Deleting a room deletes its sessions, messages and buckets in one transaction. The owner's
 * powers over who is inside (lock, knock, admit, remove, hand-over) live in {@link chat.sotto.room.RoomModeration}.
 */
package chat.sotto.room;
