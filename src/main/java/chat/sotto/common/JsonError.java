package chat.sotto.common;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The API's JSON error body, {@code {"error": code, "message": text}}, written by servlets and servlet filters that
 * answer outside JAX-RS. Codes and messages are fixed ASCII texts without quotes or backslashes, so they go in
 * unescaped.
 */
public final class JsonError {
  private JsonError() {}

  public static void write(HttpServletResponse response, Reason reason) throws IOException {
    write(response, reason.status(), reason.code(), reason.message());
  }

  public static void write(HttpServletResponse response, int status, String code, String message) throws IOException {
    byte[] json = ("{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(json.length);
    response.getOutputStream().write(json);
  }
}
