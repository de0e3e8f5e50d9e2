package chat.sotto.relay;

import jakarta.websocket.CloseReason;

/**
 * Every close code the relay sends (docs/PROTOCOL.md), each with its fixed reason phrase. Several causes may share a
 * code: the client acts on the code, the phrase only helps a person reading a trace.
 */
enum CloseCode {
  /** The token was refused. The client stops: retrying the same token cannot help. */
  AUTH_FAILED(1008, "authentication failed"),
  /** The first frame was not a valid auth frame. */
  AUTH_FIRST(1008, "authenticate first"),
  /** No auth frame within the auth timeout. */
  AUTH_TIMEOUT(1008, "authentication timeout"),
  /** A binary frame: the protocol is text only. */
  BINARY_FRAME(1003, "text frames only"),
  /** A frame above {@link Frames#MAX_FRAME_BYTES}. */
  FRAME_TOO_BIG(1009, "frame too large"),
  /** The node lost events (its fan-out engine reconnected): reconnect and resume from the last seq. */
  RESTART(1012, "reconnect"),
  /** The client did not read what it was sent: its queue passed the byte budget or a write timed out. */
  TOO_SLOW(1013, "too slow"),
  /** The database or the fan-out engine is unavailable. */
  UNAVAILABLE(1013, "unavailable"),
  /** This node checks no more tokens this second (a bound on authentication attempts); retry with backoff. */
  AUTH_BUSY(1013, "too many authentications"),
  /** The session left the room (elsewhere). */
  SESSION_ENDED(4001, "session ended"),
  /** The owner removed this session, or refused its knock: the client forgets the session. */
  REMOVED(4003, "removed"),
  /** The owner admitted this knocking session: the client reconnects at once and gets the welcome. */
  ADMITTED(4100, "admitted"),
  /** The session already has the most sockets allowed open at once. */
  TOO_MANY_CONNECTIONS(4029, "too many connections"),
  /** The client kept sending chat messages while told to wait (refusals faster than {@link Relay#REFUSALS}). */
  RATE_LIMIT_IGNORED(4029, "rate limit ignored"),
  /** The room was deleted. */
  ROOM_GONE(4404, "room deleted");

  private final int code;
  private final CloseReason reason;

  CloseCode(int code, String phrase) {
    this.code = code;
    this.reason = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), phrase);
  }

  int code() {
    return code;
  }

  CloseReason reason() {
    return reason;
  }
}
