package chat.sotto.room;

import chat.sotto.session.SessionId;

/** Fired when the owner admitted a knocking session; its waiting connections are told after the commit. */
public record MemberAdmitted(RoomId roomId, SessionId sessionId) {}
