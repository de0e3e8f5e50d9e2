package chat.sotto.message;

/**
 * The wire form of a stored message, shared by the relay (live and replayed frames) and the history API. Every
 * field is a number or validated base64url, so nothing needs escaping.
 */
public final class MessageFrame {
  private MessageFrame() {}

  public static String encode(StoredMessage m) {
    return new StringBuilder(m.ciphertext().length() + 160)
        .append("{\"t\":\"msg\",\"seq\":")
        .append(m.seq())
        .append(",\"from\":\"")
        .append(m.senderId())
        .append("\",\"c\":")
        .append(m.counter())
        .append(",\"iv\":\"")
        .append(m.iv())
        .append("\",\"ct\":\"")
        .append(m.ciphertext())
        .append("\",\"at\":")
        .append(m.createdAt())
        .append('}')
        .toString();
  }
}
