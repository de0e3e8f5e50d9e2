package chat.sotto.relay;

import chat.sotto.common.Reason;

/**
 * Every code of the relay's {@code error} frames (docs/PROTOCOL.md), each with its fixed message. Both are plain
 * ASCII without quotes or backslashes, so they go into frames unescaped.
 */
enum ErrorCode {
  BAD_FRAME("bad_frame", "The frame is malformed."),
  ALREADY_AUTHENTICATED("bad_frame", "Already authenticated."),
  UNKNOWN_TYPE("unknown_type", "Unknown frame type."),
  TOO_LARGE("too_large", "The frame is too large."),
  RATE_LIMITED("rate_limited", "Too many frames; slow down."),
  NOT_IN_ROOM("not_in_room", "That participant is not in this room."),
  NOT_ADMITTED("not_admitted", "The owner has not admitted this session yet; only knock and ping are allowed."),
  UNAVAILABLE("unavailable", "Not stored; try again."),
  SERVER_FULL("server_full", "This server holds all the messages it can; try again later.");

  private final String code;
  private final String message;

  ErrorCode(String code, String message) {
    this.code = code;
    this.message = message;
  }

  String code() {
    return code;
  }

  String message() {
    return message;
  }

  /**
   * The error frame for an envelope the store refused. A reason without a relay code of its own is reported as
   * {@link #UNAVAILABLE}, which clients retry later: the frame is kept, never silently lost.
   */
  static ErrorCode of(Reason reason) {
    return switch (reason) {
      case RATE_LIMITED -> RATE_LIMITED;
      case TOO_LARGE -> TOO_LARGE;
      case BAD_REQUEST -> BAD_FRAME;
      case SERVER_FULL -> SERVER_FULL;
      default -> UNAVAILABLE;
    };
  }
}
