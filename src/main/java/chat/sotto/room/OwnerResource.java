package chat.sotto.room;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.common.StrictJson;
import chat.sotto.session.SessionId;
import chat.sotto.session.SessionStore;
import chat.sotto.session.SessionToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Set;

/** The owner hands the room to another admitted member: {@code {"sessionId": id}}. */
@Path("rooms/{roomId}/owner")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class OwnerResource {
  @Inject RoomModeration moderation;
  @Inject SessionStore sessions;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response handOver(
      @PathParam("roomId") String roomId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      String body) {
    RoomId id = RoomId.parse(roomId);
    String next = StrictJson.string(StrictJson.object(body, 128, Set.of("sessionId")), "sessionId");
    if (!SessionId.isValid(next)) {
      throw new Refusal(Reason.BAD_REQUEST);
    }
    moderation.handOver(sessions.authenticate(SessionToken.fromAuthorization(authorization)), id, new SessionId(next));
    return Response.noContent().build();
  }
}
