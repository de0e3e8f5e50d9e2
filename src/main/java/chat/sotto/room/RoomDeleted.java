package chat.sotto.room;

/** Fired after the transaction that deleted a room committed: members are told and disconnected. */
public record RoomDeleted(RoomId roomId) {}
