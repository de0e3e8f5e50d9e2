package chat.sotto.room;

import chat.sotto.session.SessionId;

/** Fired after a member left a room for good (its session is deleted). */
public record MemberLeft(RoomId roomId, SessionId sessionId) {}
