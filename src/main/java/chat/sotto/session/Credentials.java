package chat.sotto.session;

/** What a client receives once, when its session is issued. */
public record Credentials(String sessionId, String token, boolean owner) {
  @Override
  public String toString() {
    return "Credentials[sessionId=" + sessionId + ", owner=" + owner + "]";
  }
}
