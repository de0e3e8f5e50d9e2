package chat.sotto.room;

import chat.sotto.session.SessionId;

/**
 * Fired when the owner removed a member or refused a knocking session (its session is deleted); after the commit its
 * connections are closed and the room is told.
 */
public record MemberRemoved(RoomId roomId, SessionId sessionId) {}
