package chat.sotto.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keeps the load generator from rotting: each mode runs for a few seconds with a handful of connections against the
 * test server, within its default limits (5 messages per second per session). Asserts correctness only, never timing.
 */
@ExtendWith(ArquillianExtension.class)
class LoadGeneratorSmokeIT {
  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  private static Report run(String... flags) {
    return runMeasuring("none", flags);
  }

  /** {@code serverPid} 'auto' finds the test server by its port, for the modes that report its heap. */
  private static Report runMeasuring(String serverPid, String... flags) {
    String[] common = {"--target", SottoWar.BASE.toString(), "--server-pid", serverPid};
    String[] all = new String[common.length + flags.length];
    System.arraycopy(common, 0, all, 0, common.length);
    System.arraycopy(flags, 0, all, common.length, flags.length);
    Report r = LoadGenerator.run(BenchOptions.parse(all));
    System.out.println(r.json());
    return r;
  }

  @Test
  void aThroughputRunDeliversEveryMessageToEveryOtherMemberExactlyOnce() {
    Report r =
        run("--mode", "throughput", "--rooms", "2", "--members", "4", "--rate", "2", "--warmup", "0.5", "--duration",
            "3", "--drain", "15");
    assertTrue(r.getLong("acked") > 0, "messages were acknowledged");
    assertEquals(r.getLong("acked") * 3, r.getLong("delivered"), "each acknowledged message reached the 3 others");
    assertEquals(0, r.getLong("lost"), "lost");
    assertEquals(0, r.getLong("duplicates"), "duplicates");
    assertEquals(0, r.getLong("unexpected"), "unexpected messages");
    assertEquals(0, r.getLong("unanswered"), "messages neither acknowledged nor refused");
    assertEquals(0, r.getLong("sendErrors"), "send errors");
    assertEquals(0, r.getLong("connectionErrors"), "connection errors");
    assertTrue(r.getLong("deliveriesPerSecond") > 0, "deliveries happened in the measured window");
    assertTrue(((Number) ((Map<?, ?>) r.get("latencyMs")).get("count")).longValue() > 0, "latencies were recorded");
  }

  @Test
  void aJoinStormEndsWithEveryMemberSeeingEveryOther() {
    Report r = run("--mode", "joinstorm", "--members", "8", "--timeout", "20");
    assertEquals(true, r.get("complete"));
    assertEquals(8, r.getLong("membersWithFullPresence"));
    assertEquals(0, r.getLong("connectionErrors"));
  }

  @Test
  void idleConnectionsStayOpenAndAnswerPings() {
    Report r = run("--mode", "idle", "--connections", "8", "--members", "4", "--hold", "2", "--ping", "0.5");
    assertEquals(8, r.getLong("opened"));
    assertEquals(8, r.getLong("aliveAfterHold"));
    assertTrue(r.getLong("pongs") >= 8, "every connection was answered at least once");
    assertEquals(0, r.getLong("connectionErrors"));
  }

  @Test
  void aProbeRoomKeepsEveryMessageWhileOtherSessionsFloodMaximumSizeEnvelopes() {
    Report r =
        run("--mode", "flood", "--flooders", "3", "--probe-members", "3", "--probe-rate", "3", "--warmup", "1",
            "--duration", "3", "--drain", "20");
    assertTrue(r.getLong("floodSent") > 0, "the flooders sent");
    assertTrue(r.getLong("floodAcked") > 0, "some flood frames were stored");
    // A flooder that ignores the waits it is told is closed (4029): its frames in flight then go unanswered.
    long closed = ((Map<?, ?>) r.get("floodClosedByServer")).values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
    assertTrue(r.getLong("floodUnanswered") == 0 || closed > 0, "every flood frame was answered, or its flooder closed");
    assertEquals(
        r.getLong("floodSent"), r.getLong("floodAcked") + r.getLong("floodRefused") + r.getLong("floodUnanswered"));
    assertEquals(21_846, r.getLong("floodCiphertextChars"), "flood envelopes carry 16,384 ciphertext bytes");
    assertTrue(((Number) ((Map<?, ?>) r.get("probeAckMs")).get("count")).longValue() > 0, "probe acks timed");
    assertEquals(0, r.getLong("probeMessagesLost"), "probe messages refused or unanswered");
    assertEquals(0, r.getLong("probeDeliveriesLost"), "probe messages that missed a member");
    assertEquals(0, r.getLong("probeConnectionErrors"));
  }

  @Test
  void aShortSoakChurnsMembersAndRoomsAndReportsTheServersHeapAtStartMiddleAndEnd() {
    Report r =
        runMeasuring(
            "auto", "--mode", "soak", "--rooms", "2", "--members", "3", "--rate", "1", "--churn", "0.7",
            "--room-close", "0.2", "--slow-clients", "1", "--slow-pause", "1", "--warmup", "1", "--duration", "8");
    Map<?, ?> events = (Map<?, ?>) r.get("events");
    assertTrue(events.containsKey("reconnects") || events.containsKey("joins"), "members came and went: " + events);
    assertTrue(r.getLong("messagesAcked") > 0, "messages were acknowledged");
    assertTrue(r.getLong("messagesReceived") > 0, "messages were delivered");
    assertEquals(0, r.getLong("failures"), "failed calls: " + r.get("firstFailure"));
    assertEquals(Map.of(), r.get("unexpectedCloses"), "sockets the server closed unexpectedly");
    Map<?, ?> server = (Map<?, ?>) r.get("server");
    for (String at : new String[] {"start", "middle", "end"}) {
      Map<?, ?> s = (Map<?, ?>) server.get(at);
      assertTrue(((Number) s.get("liveHeapMiB")).doubleValue() > 0, at + " live heap");
      assertTrue(((Number) s.get("rssMiB")).doubleValue() > 0, at + " RSS");
      assertTrue(((Number) s.get("threads")).intValue() > 0, at + " threads");
    }
    assertTrue(r.get("liveHeapDeltaMiB") instanceof Map<?, ?>, "deltas reported");
  }
}
