package chat.sotto.web;

import chat.sotto.common.Reason;
import chat.sotto.common.Failures;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything else: JAX-RS errors keep their status with a JSON body; anything unexpected is a plain 500. No stack
 * trace or server detail reaches the client; the log gets the exception type only, never request data.
 */
@Provider
public class FallbackMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = Logger.getLogger(FallbackMapper.class.getName());

  @Override
  public Response toResponse(Throwable error) {
    if (error instanceof WebApplicationException web) {
      int status = web.getResponse().getStatus();
      return switch (status) {
        case 400 -> ErrorBody.of(Reason.BAD_REQUEST);
        case 404 -> ErrorBody.of(Reason.NOT_FOUND);
        case 405 -> ErrorBody.of(405, "method_not_allowed", "This method is not allowed here.");
        case 406 -> ErrorBody.of(406, "not_acceptable", "Only JSON is served.");
        case 415 -> ErrorBody.of(415, "unsupported_media_type", 
            "This content type is not taken here: send JSON as application/json, file chunks as"
                + " application/octet-stream.");
        default -> ErrorBody.of(status, "error", "The request failed.");
      };
    }
    if (Failures.fromDatabase(error)) {
      LOG.log(Level.WARNING, "database error: {0}", error.getClass().getName());
      return ErrorBody.of(Reason.UNAVAILABLE);
    }
    LOG.log(Level.WARNING, "unexpected error: {0}", error.getClass().getName());
    return ErrorBody.of(Reason.INTERNAL);
  }
}
