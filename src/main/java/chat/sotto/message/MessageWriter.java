package chat.sotto.message;

import chat.sotto.common.Refusal;
import chat.sotto.common.Transactions;
import chat.sotto.limits.CapsSettings;
import chat.sotto.limits.DeploymentUsage;
import chat.sotto.metrics.RelayMetrics;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Stores chat envelopes with group commit. Envelopes wait for a writer in bounded queues per room ({@link
 * RoomQueues}); a writer takes what has queued up, the rooms in turn, up to a batch, and stores it in one transaction
 * ({@link MessageBatch}), so that while one batch commits the next one gathers, and a flooding room delays only
 * itself. Outcomes are reported only after the commit: an envelope is acknowledged only once stored.
 * Each room belongs to one writer, so a room's outcomes are reported in seq order.
 */
@ApplicationScoped
public class MessageWriter {
  private static final Logger LOG = Logger.getLogger(MessageWriter.class.getName());

  /** What becomes of one envelope; called on a writer thread, in the room's order. */
  public interface Outcome {
    void stored(Stored stored);

    void refused(Refusal refusal);

    void failed(RuntimeException error);
  }

  /**
   * Wraps the reporting of one batch's outcomes, so that whoever sends what they cause can gather those sends (the
   * relay writes each connection's frames of a batch together).
   */
  public interface ReportScope {
    void reporting(Runnable reportAll);
  }

  @Resource(lookup = "jdbc/sotto")
  DataSource dataSource;

  @Resource ManagedThreadFactory threads;
  @Inject Transactions tx;
  @Inject MessageSettings settings;
  @Inject CapsSettings caps;
  @Inject DeploymentUsage usage;
  @Inject Clock clock;
  @Inject Instance<ReportScope> scope;
  @Inject RelayMetrics metrics;

  private volatile boolean running;
  private volatile SeqAllocator seqs;
  private final List<Shard> shards = new ArrayList<>();

  @PostConstruct
  void start() {
    running = true;
    for (int i = 0; i < settings.writers(); i++) {
      Shard shard =
          new Shard(
              new RoomQueues<>(settings.writerQueue(), settings.writerQueueBytes(), settings.roomQueueBytes()));
      Thread t = threads.newThread(shard::run);
      t.setName("sotto-message-writer-" + i);
      shard.thread = t;
      shards.add(shard);
      t.start();
    }
  }

  @PreDestroy
  void stop() {
    running = false;
    shards.forEach(s -> s.thread.interrupt());
  }

  /**
   * Queues an envelope from {@code senderId} in {@code roomId}. {@code mayRepeat}: the counter may have been stored
   * before (a resend), so the writer looks it up. When the queue is full the outcome is a failure at once.
   */
  public void submit(RoomId roomId, SessionId senderId, Envelope envelope, boolean mayRepeat, Outcome outcome) {
    Pending p = new Pending(new MessageBatch.Item(roomId, senderId, envelope, mayRepeat), outcome);
    Shard shard = shards.get(Math.floorMod(roomId.value().hashCode(), shards.size()));
    if (!running || !shard.queue.offer(roomId.value(), p, envelope.storedBytes())) {
      outcome.failed(new Busy());
    }
  }

  /** Envelopes waiting for the writers now. */
  int queued() {
    int n = 0;
    for (Shard shard : shards) {
      n += shard.queue.size();
    }
    return n;
  }

  private void write(List<Pending> batch) {
    Object[] outcomes;
    try {
      long began = System.nanoTime();
      outcomes = tx.required(() -> storeInTransaction(batch));
      metrics.batchStored(batch.size(), newlyStored(outcomes), System.nanoTime() - began);
    } catch (RuntimeException e) {
      if (batch.size() > 1 && worthRetryingAlone(e)) {
        // A conflict (a resend racing on another node, a deadlock) fails the whole batch: each envelope alone then.
        batch.forEach(p -> write(List.of(p.lookedUp())));
      } else {
        batch.forEach(p -> p.outcome.failed(e));
      }
      return;
    }
    Runnable reportAll =
        () -> {
          for (int i = 0; i < batch.size(); i++) {
            report(batch.get(i).outcome, outcomes[i]);
          }
        };
    if (scope.isResolvable()) {
      scope.get().reporting(reportAll);
    } else {
      reportAll.run();
    }
  }

  private Object[] storeInTransaction(List<Pending> batch) {
    List<MessageBatch.Item> items = new ArrayList<>(batch.size());
    batch.forEach(p -> items.add(p.item));
    try (Connection c = dataSource.getConnection()) {
      if (seqs == null) {
        seqs = SeqAllocator.of(c);
      }
      MessageBatch b =
          new MessageBatch(
              seqs,
              settings.perSession(),
              settings.perRoom(),
              settings.historyLimit(),
              caps.roomBytes(),
              usage.storedBytesFull());
      return b.store(c, items, clock.millis());
    } catch (SQLException e) {
      throw new PersistenceException("could not store a batch", e);
    }
  }

  private static int newlyStored(Object[] outcomes) {
    int n = 0;
    for (Object o : outcomes) {
      if (o instanceof Stored s && !s.duplicate()) {
        n++;
      }
    }
    return n;
  }

  private static void report(Outcome outcome, Object result) {
    try {
      if (result instanceof Stored s) {
        outcome.stored(s);
      } else {
        outcome.refused((Refusal) result);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not report a stored envelope: {0}", e.getClass().getName());
    }
  }

  // Integrity violations (class 23) and transaction rollbacks such as deadlocks (class 40) concern some envelopes
  // of the batch; anything else (the database is down) concerns all of them.
  private static boolean worthRetryingAlone(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("23") || state.startsWith("40")) {
          return true;
        }
      }
    }
    return false;
  }

  /** The writer's queue is full: the node is overloaded; the sender retries. */
  public static final class Busy extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Busy() {
      super("message writer busy", null, false, false);
    }
  }

  private record Pending(MessageBatch.Item item, Outcome outcome) {
    Pending lookedUp() {
      MessageBatch.Item i = item;
      return new Pending(new MessageBatch.Item(i.roomId(), i.senderId(), i.envelope(), true), outcome);
    }
  }

  private final class Shard {
    final RoomQueues<Pending> queue;
    Thread thread;

    Shard(RoomQueues<Pending> queue) {
      this.queue = queue;
    }

    void run() {
      List<Pending> batch = new ArrayList<>(settings.batchMax());
      long linger = settings.lingerNanos();
      int lingerFrom = settings.lingerMinBatch();
      long began = 0;
      int lastSize = 0;
      while (running) {
        try {
          // Under load (the last batch was large) the next one gathers until `linger` after the last one began; the
          // writer sleeps meanwhile instead of waking for every envelope. A full batch never waits: it commits at once.
          if (linger > 0 && lastSize >= lingerFrom && lastSize < settings.batchMax()) {
            queue.gather(began + linger, settings.batchMax(), settings.batchMaxBytes());
          }
          queue.take(batch, settings.batchMax(), settings.batchMaxBytes(), 1, TimeUnit.SECONDS);
          began = System.nanoTime();
          lastSize = batch.size();
          if (!batch.isEmpty()) {
            write(batch);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "message writer: {0}", e.getClass().getName());
        } finally {
          batch.clear();
        }
      }
      List<Pending> left = new ArrayList<>();
      queue.drainTo(left);
      left.forEach(p -> p.outcome.failed(new Busy()));
    }
  }
}
