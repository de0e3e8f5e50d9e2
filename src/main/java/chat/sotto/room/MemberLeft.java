package chat.sotto.room;

/** Fired after a member left a room for good (its session is deleted). */
public record MemberLeft(String roomId, String sessionId) {}
