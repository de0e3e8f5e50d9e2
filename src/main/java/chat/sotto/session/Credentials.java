package chat.sotto.session;

import jakarta.json.Json;

/** What a client receives once, when its session is issued. */
public record Credentials(String sessionId, String token, boolean owner) {
  /** The response body: {@code {"sessionId":..,"token":..,"owner":..}}. */
  public String json() {
    return Json.createObjectBuilder()
        .add("sessionId", sessionId)
        .add("token", token)
        .add("owner", owner)
        .build()
        .toString();
  }

  @Override
  public String toString() {
    return "Credentials[sessionId=" + sessionId + ", owner=" + owner + "]";
  }
}
