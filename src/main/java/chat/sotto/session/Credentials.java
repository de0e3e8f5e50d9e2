package chat.sotto.session;

import chat.sotto.common.JsonBuilders;

/** What a client receives once, when its session is issued; {@code admitted} is false while it must knock. */
public record Credentials(String sessionId, String token, boolean owner, boolean admitted) {
  /** The response body: {@code {"sessionId":..,"token":..,"owner":..,"admitted":..}}. */
  public String json() {
    return JsonBuilders.object()
        .add("sessionId", sessionId)
        .add("token", token)
        .add("owner", owner)
        .add("admitted", admitted)
        .build()
        .toString();
  }

  @Override
  public String toString() {
    return "Credentials[sessionId=" + sessionId + ", owner=" + owner + ", admitted=" + admitted + "]";
  }
}
