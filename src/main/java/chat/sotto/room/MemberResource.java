package chat.sotto.room;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.session.SessionId;
import chat.sotto.session.SessionStore;
import chat.sotto.session.SessionToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The owner admits a knocking session, or removes a member (refusing a knocking one). */
@Path("rooms/{roomId}/members/{sessionId}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class MemberResource {
  @Inject RoomModeration moderation;
  @Inject SessionStore sessions;

  @POST
  @Path("admit")
  public Response admit(
      @PathParam("roomId") String roomId,
      @PathParam("sessionId") String sessionId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    RoomId id = RoomId.parse(roomId);
    SessionId member = member(sessionId);
    moderation.admit(sessions.authenticate(SessionToken.fromAuthorization(authorization)), id, member);
    return Response.noContent().build();
  }

  @DELETE
  public Response remove(
      @PathParam("roomId") String roomId,
      @PathParam("sessionId") String sessionId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    RoomId id = RoomId.parse(roomId);
    SessionId member = member(sessionId);
    moderation.remove(sessions.authenticate(SessionToken.fromAuthorization(authorization)), id, member);
    return Response.noContent().build();
  }

  // A path segment that cannot be a session ID names no member.
  private static SessionId member(String value) {
    if (!SessionId.isValid(value)) {
      throw new Refusal(Reason.MEMBER_NOT_FOUND);
    }
    return new SessionId(value);
  }
}
