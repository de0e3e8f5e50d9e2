package chat.sotto.housekeeping;

import chat.sotto.file.FileStore;
import chat.sotto.room.RoomId;
import chat.sotto.room.RoomService;
import jakarta.annotation.PostConstruct;
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

  @Timeout
  void sweep() {
    int deleted = 0;
    List<RoomId> expired;
    try {
      expired = rooms.expiredRoomIds();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "housekeeping sweep failed: {0}", e.getClass().getName());
      return;
    }
    for (RoomId roomId : expired) {
      try {
        deleted += rooms.deleteIfExpired(roomId) ? 1 : 0;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not delete an expired room: {0}", e.getClass().getName());
      }
    }
    if (deleted > 0) {
      LOG.log(Level.FINE, "housekeeping deleted {0} rooms", deleted);
    }
    try {
      files.deleteAbandoned();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not delete abandoned uploads: {0}", e.getClass().getName());
    }
    if (++sweeps % ORPHAN_SWEEP_EVERY == 0) {
      try {
        rooms.deleteOrphans();
        files.dropOrphanedChunks();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not delete orphaned rows: {0}", e.getClass().getName());
      }
    }
  }
}
