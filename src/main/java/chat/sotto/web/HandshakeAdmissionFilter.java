package chat.sotto.web;

import chat.sotto.admission.Admission;
import chat.sotto.admission.ClientLimiter.Action;
import chat.sotto.common.JsonError;
import chat.sotto.common.Reason;
import chat.sotto.metrics.Edge;
import chat.sotto.metrics.RelayMetrics;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Each client may open only so many WebSockets per minute: a handshake costs a thread, a socket and an authentication
 * timer before any token is seen, so it is counted per client (see {@code chat.sotto.admission}) before the upgrade.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class HandshakeAdmissionFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  @Inject Admission admission;
  @Inject RelayMetrics metrics;

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    long retry = admission.tryAdmit(request, Action.HANDSHAKE);
    if (retry > 0) {
      metrics.refused(Edge.WEBSOCKET, Reason.RATE_LIMITED);
      response.setHeader("Retry-After", Long.toString(Math.max(1, (retry + 999) / 1000)));
      JsonError.write(response, Reason.RATE_LIMITED);
      return;
    }
    chain.doFilter(new SessionlessRequest(request), response);
  }
}
