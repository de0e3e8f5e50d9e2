package chat.sotto.call;

import chat.sotto.admission.ClientLimiter;
import chat.sotto.admission.ClientLimiter.Action;
import chat.sotto.common.Refusal;
import chat.sotto.session.SessionId;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * How often each session may ask for ICE servers, held in this node's memory: every answer mints a TURN credential, so
 * a session that asks in a loop is refused before it can stock up relay access. Budgets of idle sessions are dropped
 * and the map has a cap ({@link ClientLimiter}), so deleted sessions leave nothing behind for long.
 */
@ApplicationScoped
public class IceRequests {
  @Inject TurnSettings settings;

  private ClientLimiter<SessionId> limiter;

  @PostConstruct
  void start() {
    limiter =
        new ClientLimiter<>(
            Map.of(Action.ICE_SERVERS, settings.iceLimit()),
            settings.iceMaxSessions(),
            () -> System.nanoTime() / 1_000_000);
  }

  /** Counts one request of {@code session} or throws a rate-limited refusal (429 with Retry-After). */
  public void admit(SessionId session) {
    long retry = limiter.tryAcquire(session, Action.ICE_SERVERS);
    if (retry > 0) {
      throw Refusal.rateLimited(retry);
    }
  }
}
