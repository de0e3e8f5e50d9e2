package chat.sotto.relay;

import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.util.Set;

/** The single-node bus: events go straight to this node's connections. */
@ApplicationScoped
@Typed(InProcessBus.class)
public class InProcessBus implements RoomBus {
  @Inject LocalRooms local;

  @Override
  public void publish(RoomEvent event) {
    local.deliver(event);
  }

  @Override
  public void presenceChanged(RoomId roomId) {
    // The online set is this node's connections: nothing to record.
  }

  @Override
  public Set<SessionId> online(RoomId roomId) {
    return local.online(roomId);
  }

  @Override
  public boolean available() {
    return true;
  }
}
