package chat.sotto.web;

import chat.sotto.common.Reason;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Builds the JSON error responses of the API: {@code {"error": code, "message": text}}, nothing more. */
final class ErrorBody {
  private ErrorBody() {}

  static Response of(Reason reason) {
    return of(reason.status(), reason.code(), reason.message());
  }

  static Response of(int status, String code, String message) {
    String json = "{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}";
    return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(json).build();
  }
}
