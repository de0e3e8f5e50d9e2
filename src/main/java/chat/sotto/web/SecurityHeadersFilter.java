package chat.sotto.web;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Security headers on every response: a strict CSP, no referrer, no sniffing, no framing, no caching of the API; HSTS
 * over HTTPS. Outside development ({@code sotto.https-only=true}) plain HTTP is redirected to HTTPS. A request that a
 * TLS-terminating proxy marks with {@code X-Forwarded-Proto: https} counts as HTTPS.
 */
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

  @Inject
  @ConfigProperty(name = "sotto.https-only", defaultValue = "false")
  boolean httpsOnly;

  @Inject
  @ConfigProperty(name = "sotto.https-port", defaultValue = "443")
  int httpsPort;

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    boolean secure = request.isSecure() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
    if (httpsOnly && !secure) {
      response.setStatus(308);
      response.setHeader("Location", httpsLocation(request));
      return;
    }
    response.setHeader("Content-Security-Policy", CSP);
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("Permissions-Policy", PERMISSIONS);
    response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    if (secure) {
      response.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    }
    String path = request.getRequestURI();
    response.setHeader("Cache-Control", path.startsWith("/api/") || path.startsWith("/health") ? "no-store" : "no-cache");
    chain.doFilter(request, response);
  }

  private String httpsLocation(HttpServletRequest request) {
    String host = request.getServerName();
    String port = httpsPort == 443 ? "" : ":" + httpsPort;
    String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
    return "https://" + host + port + request.getRequestURI() + query;
  }
}
