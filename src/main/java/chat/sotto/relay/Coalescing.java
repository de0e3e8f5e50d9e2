package chat.sotto.relay;

import chat.sotto.message.MessageWriter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the sends caused by one stored batch: while its outcomes are reported (acks, fan-out), connections only
 * queue their frames; afterwards each connection starts one send, which carries all its queued frames as one
 * WebSocket message ({@link Member}). A batch of 200 messages to rooms of 10 then costs each connection one write
 * instead of one per frame, and no frame waits longer than the batch's own reporting.
 */
@ApplicationScoped
public class Coalescing implements MessageWriter.ReportScope {
  private static final ThreadLocal<List<Member>> DEFERRED = new ThreadLocal<>();

  @Override
  public void reporting(Runnable reportAll) {
    if (DEFERRED.get() != null) {
      reportAll.run();
      return;
    }
    List<Member> deferred = new ArrayList<>();
    DEFERRED.set(deferred);
    try {
      reportAll.run();
    } finally {
      DEFERRED.remove();
      deferred.forEach(Member::flush);
    }
  }

  /**
   * The members whose first send waits for the end of the batch being reported on this thread, or null outside a
   * batch. A fan-out looks it up once for all its members: a thread-local look-up on the writer thread (which carries
   * many of Liberty's and Weld's) cost more than the rest of queuing a frame.
   */
  static List<Member> deferred() {
    return DEFERRED.get();
  }
}
