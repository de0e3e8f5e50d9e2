package chat.sotto.room;

/** Fired inside the transaction that changed who may come into a room; members are told after it committed. */
public record RoomAccessChanged(RoomId roomId, RoomAccess access) {}
