package chat.sotto.relay;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The single-node bus: events go straight to this node's connections. */
@ApplicationScoped
public class InProcessBus implements RoomBus {
  @Inject LocalRooms local;

  @Override
  public void publish(RoomEvent event) {
    local.deliver(event);
  }
}
