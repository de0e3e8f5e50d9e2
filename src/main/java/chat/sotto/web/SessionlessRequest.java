package chat.sotto.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;

/**
 * A request that never opens an HTTP session. Liberty's WebSocket upgrade asks for one on every handshake
 * ({@code getSession()}), although Sotto keeps nothing in it: without this, each connection carried a session object,
 * a {@code JSESSIONID} cookie (an identifier the browser kept for no purpose) and a per-frame session-context start.
 * Liberty accepts a handshake without a session (the Jakarta WebSocket API allows {@code getHttpSession()} to be null).
 */
final class SessionlessRequest extends HttpServletRequestWrapper {
  SessionlessRequest(HttpServletRequest request) {
    super(request);
  }

  @Override
  public HttpSession getSession() {
    return null;
  }

  @Override
  public HttpSession getSession(boolean create) {
    return null;
  }
}
