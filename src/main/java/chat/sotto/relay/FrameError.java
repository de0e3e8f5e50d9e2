package chat.sotto.relay;

/** A frame that breaks the protocol; the relay answers with an error frame of this code. */
final class FrameError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode error;

  FrameError(ErrorCode error) {
    super(error.code(), null, false, false);
    this.error = error;
  }

  ErrorCode error() {
    return error;
  }

  /** The wire code, as in the error frame. */
  String code() {
    return error.code();
  }
}
