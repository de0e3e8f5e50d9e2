package chat.sotto.web;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.metrics.Edge;
import chat.sotto.metrics.RelayMetrics;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * A refusal becomes its status and JSON body; a rate limit also says when to retry. A body refused as too large may
 * not have been read to its end: the connection is closed rather than drained.
 */
@Provider
public class RefusalMapper implements ExceptionMapper<Refusal> {
  @Inject RelayMetrics metrics;

  @Override
  public Response toResponse(Refusal refusal) {
    metrics.refused(Edge.REST, refusal.reason());
    Response response = ErrorBody.of(refusal.reason());
    if (refusal.reason() == Reason.TOO_LARGE) {
      return Response.fromResponse(response).header("Connection", "close").build();
    }
    if (refusal.reason() != Reason.RATE_LIMITED) {
      return response;
    }
    long seconds = Math.max(1, (refusal.retryAfterMillis() + 999) / 1000);
    return Response.fromResponse(response).header("Retry-After", seconds).build();
  }
}
