package chat.sotto.relay;

import chat.sotto.room.RoomId;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Presence changes of this node's connections. The room's online set is recorded on the bus at once (owner-away and
 * signal routing read it); the members are told who is online at most once per {@link
 * RelaySettings#presenceDelayMillis()} per room and node: the first change schedules an update, later changes ride
 * along, and the update reads the online set when it is sent. A storm of N joins then costs a few room-wide frames instead of N (which would be N² frames of up to N
 * IDs each).
 */
@ApplicationScoped
public class PresenceUpdates {
  private static final Logger LOG = Logger.getLogger(PresenceUpdates.class.getName());

  @Inject RoomBus bus;
  @Inject RelaySettings settings;
  @Resource ManagedScheduledExecutorService scheduler;

  private final Set<RoomId> scheduled = ConcurrentHashMap.newKeySet();

  /** Someone joined or left {@code roomId} on this node. */
  void changed(RoomId roomId) {
    bus.presenceChanged(roomId);
    if (!scheduled.add(roomId)) {
      return;
    }
    try {
      scheduler.schedule(() -> send(roomId), settings.presenceDelayMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      scheduled.remove(roomId);
    }
  }

  private void send(RoomId roomId) {
    // Cleared first: a change from now on schedules the next update, so none is lost.
    scheduled.remove(roomId);
    try {
      bus.publish(RoomEvent.broadcast(roomId, Frames.presence(bus.online(roomId))));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not send presence: {0}", e.getClass().getName());
    }
  }
}
