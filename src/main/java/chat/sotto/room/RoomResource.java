package chat.sotto.room;

import chat.sotto.admission.Admission;
import chat.sotto.admission.ClientLimiter.Action;
import chat.sotto.common.StrictJson;
import chat.sotto.session.Credentials;
import chat.sotto.session.Participant;
import chat.sotto.session.SessionStore;
import chat.sotto.session.SessionToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Set;

/**
 * Create ({@code {"roomId": id}}), join, set up ({@code PATCH}) and close rooms. Creating and joining are first counted against the calling
 * client's own budget (in memory), then against the deployment's (in the database), so that no one client can use up
 * the deployment's budget for everyone.
 */
@Path("rooms")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class RoomResource {
  @Inject RoomService rooms;
  @Inject SessionStore sessions;
  @Inject Admission admission;
  @Inject RoomModeration moderation;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response create(String body, @Context HttpServletRequest http) {
    JsonObject request = StrictJson.object(body, 256, Set.of("roomId"));
    RoomId id = RoomId.parse(StrictJson.string(request, "roomId"));
    admission.admit(http, Action.CREATE_ROOM);
    Credentials owner = rooms.create(id);
    return Response.status(Response.Status.CREATED).entity(owner.json()).build();
  }

  @POST
  @Path("{roomId}/sessions")
  public Response join(@PathParam("roomId") String roomId, @Context HttpServletRequest http) {
    RoomId id = RoomId.parse(roomId);
    admission.admit(http, Action.JOIN_ROOM);
    Credentials member = rooms.join(id);
    return Response.status(Response.Status.CREATED).entity(member.json()).build();
  }

  /** The owner changes who may come in: {@code {"locked"?: bool, "knock"?: bool}}, at least one of them. */
  @PATCH
  @Path("{roomId}")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response change(
      @PathParam("roomId") String roomId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      String body) {
    RoomId id = RoomId.parse(roomId);
    JsonObject request = StrictJson.someOf(body, 64, Set.of("locked", "knock"));
    Boolean locked = StrictJson.optionalBoolean(request, "locked");
    Boolean knock = StrictJson.optionalBoolean(request, "knock");
    Participant owner = sessions.authenticate(SessionToken.fromAuthorization(authorization));
    return Response.ok(moderation.change(owner, id, locked, knock).json()).build();
  }

  @DELETE
  @Path("{roomId}")
  public Response close(
      @PathParam("roomId") String roomId, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    RoomId id = RoomId.parse(roomId);
    rooms.close(sessions.authenticate(SessionToken.fromAuthorization(authorization)), id);
    return Response.noContent().build();
  }
}
