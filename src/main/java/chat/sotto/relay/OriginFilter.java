package chat.sotto.relay;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * Refuses a WebSocket handshake from a foreign web origin (cross-site WebSocket hijacking). Allowed: the configured
 * origins, or by default the origin whose host and port are the request's Host. Clients that send no Origin are not
 * browsers and gain nothing from it: they still need a session token.
 */
@WebFilter(urlPatterns = "/ws", asyncSupported = true)
public class OriginFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  @Inject RelaySettings settings;

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String origin = request.getHeader("Origin");
    if (origin != null && !allowed(origin, request.getHeader("Host"), settings.allowedOrigins())) {
      response.setStatus(HttpServletResponse.SC_FORBIDDEN);
      response.setContentType("application/json");
      response.getWriter().write("{\"error\":\"forbidden_origin\",\"message\":\"This origin may not connect.\"}");
      return;
    }
    chain.doFilter(request, response);
  }

  static boolean allowed(String origin, String host, List<String> configured) {
    if (!configured.isEmpty()) {
      return configured.contains(origin);
    }
    try {
      URI uri = new URI(origin);
      if (uri.getHost() == null || host == null) {
        return false;
      }
      String originHost = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      return originHost.equalsIgnoreCase(host) || withDefaultPort(uri).equalsIgnoreCase(host);
    } catch (Exception e) {
      return false;
    }
  }

  private static String withDefaultPort(URI uri) {
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    return uri.getHost() + ":" + port;
  }
}
