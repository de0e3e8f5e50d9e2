package chat.sotto.file;

import chat.sotto.common.JsonBuilders;
import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.room.RoomId;
import chat.sotto.session.Participant;
import chat.sotto.session.SessionStore;
import chat.sotto.session.SessionToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

/**
 * A room's encrypted files: begin one ({@code POST}), upload its chunks ({@code PUT}), download them ({@code GET}),
 * delete it ({@code DELETE}). Only admitted members of the room, by their bearer token.
 */
@Path("rooms/{roomId}/files")
@RequestScoped
public class FileResource {
  /**
   * The request path (within the application) of a chunk upload: the one API body allowed above the API's limit, up to
   * {@link FileShape#MAX_CHUNK_BYTES} ({@code chat.sotto.web.BodyLimitFilter}). Only the characters of identifiers and
   * indexes, so that no encoded path can pass for it.
   */
  public static final Pattern CHUNK_UPLOAD = Pattern.compile("/api/rooms/[A-Za-z0-9_-]+/files/[A-Za-z0-9_-]+/chunks/[0-9]+");

  @Inject FileStore files;
  @Inject SessionStore sessions;

  /** {@code {"chunks": n, "bytes": b}} → 201 {@code {"fileId": id, "chunkBytes": 1048592}}. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response create(
      @PathParam("roomId") String roomId, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
    RoomId room = RoomId.parse(roomId);
    FileShape shape = FileShape.parse(body);
    FileId id = files.create(member(authorization, room), shape);
    String json =
        JsonBuilders.object()
            .add("fileId", id.value())
            .add("chunkBytes", FileShape.MAX_CHUNK_BYTES)
            .build()
            .toString();
    return Response.status(Response.Status.CREATED).entity(json).build();
  }

  @PUT
  @Path("{fileId}/chunks/{index}")
  @Consumes(MediaType.APPLICATION_OCTET_STREAM)
  public Response upload(
      @PathParam("roomId") String roomId,
      @PathParam("fileId") String fileId,
      @PathParam("index") String index,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      InputStream body)
      throws IOException {
    RoomId room = RoomId.parse(roomId);
    FileId id = FileId.parse(fileId);
    ChunkIndex chunk = ChunkIndex.parse(index);
    Participant uploader = member(authorization, room);
    // Never more than one byte past the largest chunk, whatever the request claims.
    byte[] data = body.readNBytes(FileShape.MAX_CHUNK_BYTES + 1);
    if (data.length > FileShape.MAX_CHUNK_BYTES) {
      throw new Refusal(Reason.TOO_LARGE);
    }
    files.write(uploader, id, chunk, data);
    return Response.noContent().build();
  }

  @GET
  @Path("{fileId}/chunks/{index}")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  public Response download(
      @PathParam("roomId") String roomId,
      @PathParam("fileId") String fileId,
      @PathParam("index") String index,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    RoomId room = RoomId.parse(roomId);
    FileId id = FileId.parse(fileId);
    ChunkIndex chunk = ChunkIndex.parse(index);
    byte[] data = files.read(member(authorization, room), id, chunk);
    return Response.ok(data, MediaType.APPLICATION_OCTET_STREAM_TYPE).header("Cache-Control", "no-store").build();
  }

  @DELETE
  @Path("{fileId}")
  public Response delete(
      @PathParam("roomId") String roomId,
      @PathParam("fileId") String fileId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
    RoomId room = RoomId.parse(roomId);
    FileId id = FileId.parse(fileId);
    files.delete(member(authorization, room), id);
    return Response.noContent().build();
  }

  private Participant member(String authorization, RoomId room) {
    Participant who = sessions.authenticateIn(SessionToken.fromAuthorization(authorization), room);
    who.requireAdmitted();
    return who;
  }
}
