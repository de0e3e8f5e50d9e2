package chat.sotto.room;

/**
 * Fired synchronously by the thread that deleted a room, once that transaction committed and outside any transaction:
 * a feature whose rows are too large to delete in one transaction (file chunks) drops them here, in bounded
 * transactions of its own, before the request that deleted the room is answered.
 */
public record RoomDeletionCommitted(RoomId roomId) {}
