package chat.sotto.relay;

import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import java.util.Set;

/**
 * Carries room events to every connection of the room, wherever it is connected, and knows who is online in a room
 * across all nodes. The in-process implementation is the single-node default; {@link RedisBus} spans several nodes
 * through Redis pub/sub. {@code sotto.bus} chooses ({@link BusProducer}).
 */
public interface RoomBus {
  /** Delivers an event on every node. */
  void publish(RoomEvent event);

  /**
   * This node's connections of a room changed: record the room's online set at once (owner and signal decisions
   * read it). {@link PresenceUpdates} calls it and tells the members.
   */
  void presenceChanged(RoomId roomId);

  /** Sessions connected to a room on any node. */
  Set<SessionId> online(RoomId roomId);

  /** False while the bus cannot deliver (the node then refuses new work). */
  boolean available();
}
