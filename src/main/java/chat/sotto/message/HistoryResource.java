package chat.sotto.message;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionStore;
import chat.sotto.session.SessionToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/** Pages of a room's history, newest first by page, ascending within a page: {@code ?before=seq&limit=n}. */
@Path("rooms/{roomId}/messages")
@RequestScoped
public class HistoryResource {
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 100;

  @Inject MessageStore messages;
  @Inject SessionStore sessions;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public String page(
      @PathParam("roomId") String roomId,
      @QueryParam("before") String before,
      @QueryParam("limit") String limit,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    RoomId room = RoomId.parse(roomId);
    long beforeSeq = before == null ? Long.MAX_VALUE : number(before, 1, Long.MAX_VALUE);
    int size = limit == null ? DEFAULT_LIMIT : (int) number(limit, 1, MAX_LIMIT);
    sessions.authenticateIn(SessionToken.fromAuthorization(authorization), room).requireAdmitted();
    MessageStore.Page page = messages.before(room, beforeSeq, size);
    StringBuilder json = new StringBuilder("{\"messages\":[");
    for (int i = 0; i < page.messages().size(); i++) {
      json.append(i == 0 ? "" : ",").append(MessageFrame.encode(page.messages().get(i)));
    }
    return json.append("],\"hasMore\":").append(page.hasMore()).append('}').toString();
  }

  private static long number(String text, long min, long max) {
    if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(Character::isDigit)) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    long value = Long.parseLong(text);
    if (value < min || value > max) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    return value;
  }
}
