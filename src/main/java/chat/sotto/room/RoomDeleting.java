package chat.sotto.room;

/**
 * Fired synchronously inside the transaction that deletes a room, so that every feature removes the room's rows in
 * the same transaction.
 */
public record RoomDeleting(RoomId roomId) {}
