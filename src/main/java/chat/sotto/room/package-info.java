/**
 * Rooms and their lifecycle: creation with an owner session, joining, the owner closing or leaving, owner-absence
 * grace and idle expiry. Deleting a room deletes its sessions, messages and buckets in one transaction.
 */
package chat.sotto.room;
