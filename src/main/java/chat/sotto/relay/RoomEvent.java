package chat.sotto.relay;

import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;

/**
 * Something every node must deliver to its connections of one room. The frame text is serialized once. Connections of
 * knocking sessions get only what names their own session (admission, removal) and the room's deletion.
 */
public record RoomEvent(Kind kind, RoomId roomId, SessionId sessionId, long seq, String frame) {
  public enum Kind {
    /** A stored chat message for everyone (seq set). */
    MESSAGE,
    /** A frame for every admitted member of the room. */
    BROADCAST,
    /** A frame for everyone but {@code sessionId}. */
    OTHERS,
    /** A frame for the connections of {@code sessionId} only. */
    ONE,
    /** The room was deleted: send {@code gone} and close. */
    ROOM_GONE,
    /** Session {@code sessionId} left the room for good: close its connections. */
    SESSION_ENDED,
    /** A frame for the owner's connections only (a knock). */
    TO_OWNER,
    /** Knocking session {@code sessionId} was admitted: its waiting connections get the frame and are closed. */
    ADMITTED,
    /** The owner removed session {@code sessionId} (or refused its knock): its connections are closed. */
    REMOVED,
    /** Session {@code sessionId} owns the room now: connections learn who owns it, members get the frame. */
    OWNER
  }

  static RoomEvent message(RoomId roomId, long seq, String frame) {
    return new RoomEvent(Kind.MESSAGE, roomId, null, seq, frame);
  }

  static RoomEvent broadcast(RoomId roomId, String frame) {
    return new RoomEvent(Kind.BROADCAST, roomId, null, 0, frame);
  }

  static RoomEvent others(RoomId roomId, SessionId exceptSession, String frame) {
    return new RoomEvent(Kind.OTHERS, roomId, exceptSession, 0, frame);
  }

  static RoomEvent one(RoomId roomId, SessionId sessionId, String frame) {
    return new RoomEvent(Kind.ONE, roomId, sessionId, 0, frame);
  }

  static RoomEvent gone(RoomId roomId) {
    return new RoomEvent(Kind.ROOM_GONE, roomId, null, 0, Frames.GONE);
  }

  static RoomEvent sessionEnded(RoomId roomId, SessionId sessionId) {
    return new RoomEvent(Kind.SESSION_ENDED, roomId, sessionId, 0, null);
  }

  static RoomEvent toOwner(RoomId roomId, String frame) {
    return new RoomEvent(Kind.TO_OWNER, roomId, null, 0, frame);
  }

  static RoomEvent admitted(RoomId roomId, SessionId sessionId) {
    return new RoomEvent(Kind.ADMITTED, roomId, sessionId, 0, Frames.ADMITTED);
  }

  static RoomEvent removed(RoomId roomId, SessionId sessionId) {
    return new RoomEvent(Kind.REMOVED, roomId, sessionId, 0, null);
  }

  static RoomEvent owner(RoomId roomId, SessionId ownerId) {
    return new RoomEvent(Kind.OWNER, roomId, ownerId, 0, Frames.owner(ownerId));
  }
}
