package chat.sotto.web;

import chat.sotto.common.Reason;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The API's JSON error body, written by servlet filters that answer before JAX-RS is reached. */
final class JsonError {
  private JsonError() {}

  static void write(HttpServletResponse response, Reason reason) throws IOException {
    byte[] json =
        ("{\"error\":\"" + reason.code() + "\",\"message\":\"" + reason.message() + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    response.setStatus(reason.status());
    response.setContentType("application/json");
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(json.length);
    response.getOutputStream().write(json);
  }
}
