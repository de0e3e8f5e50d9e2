package chat.sotto.common;

/** Why a request was refused: the wire code, the HTTP status, and a message safe to show a person. */
public enum Reason {
  BAD_REQUEST(400, "bad_request", "The request is malformed."),
  UNAUTHORIZED(401, "unauthorized", "A valid session token is required."),
  FORBIDDEN(403, "forbidden", "This session belongs to another room."),
  NOT_OWNER(403, "not_owner", "Only the room's owner can do this."),
  ROOM_LOCKED(403, "room_locked", "This room is locked: no one can join it now."),
  NOT_ADMITTED(403, "not_admitted", "The owner has not admitted this session yet."),
  NOT_UPLOADER(403, "forbidden", "This file belongs to another member."),
  MEMBER_NOT_FOUND(404, "member_not_found", "There is no such member in this room."),
  CANNOT_REMOVE_SELF(400, "cannot_remove_self", "The owner cannot remove itself; leave or close the room instead."),
  KNOCK_REQUIRED(409, "knock_required", "A room that had a member removed always makes newcomers knock."),
  CANDIDATE_NOT_ADMITTED(409, "not_admitted", "Only an admitted member can become the owner."),
  ROOM_NOT_FOUND(404, "room_not_found", "This room no longer exists."),
  NOT_FOUND(404, "not_found", "Nothing here."),
  FILE_NOT_FOUND(404, "file_not_found", "This file does not exist (any more)."),
  ROOM_EXISTS(409, "room_exists", "A room with this identifier already exists."),
  ROOM_FULL(409, "room_full", "This room is full."),
  CHUNK_EXISTS(409, "chunk_exists", "This chunk of the file is stored already."),
  TOO_LARGE(413, "too_large", "The request is too large."),
  FILE_TOO_LARGE(413, "file_too_large", "This file is larger than this server accepts."),
  RATE_LIMITED(429, "rate_limited", "Too many requests; try again shortly."),
  UNAVAILABLE(503, "unavailable", "The service is temporarily unavailable."),
  SERVER_FULL(503, "server_full", "This server holds all the rooms, messages and files it can; try again later."),
  INTERNAL(500, "internal", "Something went wrong on the server.");

  private final int status;
  private final String code;
  private final String message;

  Reason(int status, String code, String message) {
    this.status = status;
    this.code = code;
    this.message = message;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String message() {
    return message;
  }
}
