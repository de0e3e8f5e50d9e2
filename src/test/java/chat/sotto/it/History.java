package chat.sotto.it;

import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Stores a room's history through the relay, as its members would, at the pace the rate limits allow. */
final class History {
  private History() {}

  /**
   * Each sender stores {@code perSender} envelopes of {@code bytes} bytes, all in parallel, resending a refused one
   * after the wait the server tells (rate limits); returns when every envelope is acknowledged.
   */
  static void store(List<Api.Session> senders, int perSender, int bytes) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(senders.size());
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Api.Session s : senders) {
        done.add(
            pool.submit(
                () -> {
                  try (RelayClient c = RelayClient.connect(s, 0)) {
                    for (int i = 1; i <= perSender; i++) {
                      String frame = RelayClient.envelope("msg", i, bytes);
                      for (; ; ) {
                        c.send(frame);
                        long counter = i;
                        JsonObject f =
                            c.await(
                                x -> Set.of("ack", "error").contains(x.getString("t")) && x.containsKey("c")
                                    && x.getJsonNumber("c").longValue() == counter,
                                "ack or error");
                        if ("ack".equals(f.getString("t"))) {
                          break;
                        }
                        // The protocol's own pacing: wait what the server asked for, then resend the same frame.
                        Thread.sleep(f.getJsonNumber("retryAfterMs").longValue());
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
