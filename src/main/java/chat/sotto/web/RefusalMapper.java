package chat.sotto.web;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A refusal becomes its status and JSON body; a rate limit also says when to retry. */
@Provider
public class RefusalMapper implements ExceptionMapper<Refusal> {
  @Override
  public Response toResponse(Refusal refusal) {
    Response response = ErrorBody.of(refusal.reason());
    if (refusal.reason() != Reason.RATE_LIMITED) {
      return response;
    }
    long seconds = Math.max(1, (refusal.retryAfterMillis() + 999) / 1000);
    return Response.fromResponse(response).header("Retry-After", seconds).build();
  }
}
