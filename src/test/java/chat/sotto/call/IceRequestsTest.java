package chat.sotto.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.common.Reason;
import chat.sotto.common.Refusal;
import chat.sotto.session.SessionId;
import org.junit.jupiter.api.Test;

/** The per-session budget of ICE requests with the default settings: a call never meets it, a loop does. */
class IceRequestsTest {
  private static IceRequests withDefaults() {
    TurnSettings settings = new TurnSettings();
    settings.icePerMinute = 6;
    settings.iceBurst = 10;
    settings.iceMaxSessions = 100_000;
    IceRequests requests = new IceRequests();
    requests.settings = settings;
    requests.start();
    return requests;
  }

  @Test
  void aSessionThatAsksInALoopIsRefusedWithARetryTimeWhileAnotherSessionIsServed() {
    IceRequests requests = withDefaults();
    SessionId looping = SessionId.random();
    for (int i = 0; i < 10; i++) {
      requests.admit(looping);
    }
    Refusal refused = assertThrows(Refusal.class, () -> requests.admit(looping));
    assertEquals(Reason.RATE_LIMITED, refused.reason());
    assertTrue(refused.retryAfterMillis() > 0 && refused.retryAfterMillis() <= 10_000, "one more within 10 s");
    requests.admit(SessionId.random());
  }
}
