package chat.sotto.common;

/** A request the product refuses on purpose; edges turn it into an HTTP status or an error frame. */
public class Refusal extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Reason reason;
  private final long retryAfterMillis;

  public Refusal(Reason reason) {
    this(reason, 0);
  }

  public Refusal(Reason reason, long retryAfterMillis) {
    super(reason.code(), null, false, false);
    this.reason = reason;
    this.retryAfterMillis = retryAfterMillis;
  }

  public static Refusal rateLimited(long retryAfterMillis) {
    return new Refusal(Reason.RATE_LIMITED, Math.max(1, retryAfterMillis));
  }

  public Reason reason() {
    return reason;
  }

  public long retryAfterMillis() {
    return retryAfterMillis;
  }
}
