package chat.sotto.room;

import chat.sotto.session.SessionStore;
import chat.sotto.session.SessionToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** The calling session leaves its room for good ({@code DELETE /api/sessions/current}). */
@Path("sessions/current")
@RequestScoped
public class MembershipResource {
  @Inject RoomService rooms;
  @Inject SessionStore sessions;

  @DELETE
  public Response leave(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    rooms.leave(sessions.authenticate(SessionToken.fromAuthorization(authorization)));
    return Response.noContent().build();
  }
}
