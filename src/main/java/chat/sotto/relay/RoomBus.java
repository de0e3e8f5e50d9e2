package chat.sotto.relay;

/**
 * Carries room events to every connection of the room, wherever it is connected. The in-process implementation is
 * the single-node default; a cluster implementation delivers the same events on every node.
 */
public interface RoomBus {
  void publish(RoomEvent event);
}
