package chat.sotto.room;

import chat.sotto.session.SessionId;

/** Fired when the owner handed the room to another member; the room is told after the commit. */
public record OwnerChanged(RoomId roomId, SessionId ownerId) {}
