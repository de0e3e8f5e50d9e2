package chat.sotto.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Security headers on every response: a strict CSP, no referrer, no sniffing, no framing, no caching of the API. */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class SecurityHeadersFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:;"
          + " connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self';"
          + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

  static final String PERMISSIONS =
      "camera=(self), microphone=(self), display-capture=(self), fullscreen=(self), geolocation=(), payment=(),"
          + " usb=(), serial=(), hid=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=()";

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    response.setHeader("Content-Security-Policy", CSP);
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Permissions-Policy", PERMISSIONS);
    response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    if (request.isSecure()) {
      response.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    }
    String path = request.getRequestURI();
    response.setHeader("Cache-Control", path.startsWith("/api/") || path.startsWith("/health") ? "no-store" : "no-cache");
    chain.doFilter(request, response);
  }
}
