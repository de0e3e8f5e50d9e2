package chat.sotto.housekeeping;

import chat.sotto.file.FileStore;
import chat.sotto.room.RoomId;
import chat.sotto.room.RoomService;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * An EJB interval timer that sweeps expired rooms and uploads never finished. Each room or upload is deleted in its own
 * transaction and re-checked inside it, so every node can run the sweep at once without harm.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrator")
@TransactionManagement(TransactionManagementType.BEAN)
public class Housekeeper {
  private static final Logger LOG = Logger.getLogger(Housekeeper.class.getName());

  @Resource TimerService timers;
  @Inject RoomService rooms;
  @Inject FileStore files;

  @Inject
  @ConfigProperty(name = "sotto.housekeeping.interval-seconds", defaultValue = "30")
  long intervalSeconds;

  /** Every this many sweeps, rows that belong to no room are deleted too (a safety net; see RoomService). */
  static final int ORPHAN_SWEEP_EVERY = 10;

  private int sweeps;

  @PostConstruct
  void schedule() {
    long interval = Math.max(1, intervalSeconds) * 1000;
    timers.createIntervalTimer(interval, interval, new TimerConfig("sotto-housekeeping", false));
  }

  /** Set when the application stops: a sweep under way gives up before its next step. */
  private volatile boolean stopping;

  /** Set when a step of this sweep found the application's classes unavailable: the sweep gives up. */
  private boolean abandoned;

  @PreDestroy
  void stop() {
    stopping = true;
  }

  @Timeout
  void sweep() {
    abandoned = false;
    List<RoomId> expired = attempt("housekeeping sweep failed", rooms::expiredRoomIds);
    if (expired == null) {
      return;
    }
    int deleted = 0;
    for (RoomId roomId : expired) {
      Boolean gone = attempt("could not delete an expired room", () -> rooms.deleteIfExpired(roomId));
      if (gone == null && givenUp()) {
        return;
      }
      deleted += Boolean.TRUE.equals(gone) ? 1 : 0;
    }
    if (deleted > 0) {
      LOG.log(Level.FINE, "housekeeping deleted {0} rooms", deleted);
    }
    if (attempt("could not delete abandoned uploads", files::deleteAbandoned) == null && givenUp()) {
      return;
    }
    if (++sweeps % ORPHAN_SWEEP_EVERY == 0) {
      attempt("could not delete orphaned rows", () -> rooms.deleteOrphans() + files.dropOrphanedChunks());
    }
  }

  /**
   * One step of a sweep: its result, or null when the application is stopping or the step failed. A failure is logged
   * by its class alone and never leaves the timer callback (an exception there would make the container log it with
   * its stack and call the sweep again at once). A class that cannot be loaded means the application's archive is
   * being stopped or replaced under it (a redeploy): the rest of this sweep is left to the next one.
   */
  <T> T attempt(String failure, Supplier<T> step) {
    if (givenUp()) {
      return null;
    }
    try {
      return step.get();
    } catch (RuntimeException e) {
      if (linkageFailure(e) != null) {
        return unavailable(linkageFailure(e));
      }
      LOG.log(Level.WARNING, failure + ": {0}", e.getClass().getName());
      return null;
    } catch (LinkageError e) {
      return unavailable(e);
    }
  }

  private boolean givenUp() {
    return stopping || abandoned;
  }

  private <T> T unavailable(LinkageError e) {
    abandoned = true;
    LOG.log(Level.WARNING, "housekeeping sweep abandoned: the application''s classes are unavailable ({0})",
        e.getClass().getName());
    return null;
  }

  /** The class-loading failure behind an exception (CDI wraps an observer's in an ObserverException), or null. */
  private static LinkageError linkageFailure(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof LinkageError linkage) {
        return linkage;
      }
    }
    return null;
  }
}
