package chat.sotto.relay;

/** A frame that breaks the protocol; the relay answers with an error frame of this code. */
final class FrameError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;

  FrameError(String code) {
    super(code, null, false, false);
    this.code = code;
  }

  String code() {
    return code;
  }
}
