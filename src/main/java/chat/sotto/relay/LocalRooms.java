package chat.sotto.relay;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The connections this node holds, by room, and delivery of room events to them. */
@ApplicationScoped
public class LocalRooms {
  /** Close code sent when a room is deleted. */
  static final int CLOSE_ROOM_GONE = 4404;

  /** Close code sent to the connections of a session that left the room. */
  static final int CLOSE_SESSION_ENDED = 4001;

  private final ConcurrentHashMap<String, CopyOnWriteArrayList<Member>> rooms = new ConcurrentHashMap<>();

  void add(Member m) {
    rooms.computeIfAbsent(m.roomId, k -> new CopyOnWriteArrayList<>()).add(m);
  }

  /** Removes a connection; returns true if that session has no other connection here. */
  boolean remove(Member m) {
    boolean[] last = {true};
    rooms.computeIfPresent(
        m.roomId,
        (k, list) -> {
          list.remove(m);
          last[0] = list.stream().noneMatch(o -> o.sessionId.equals(m.sessionId));
          return list.isEmpty() ? null : list;
        });
    return last[0];
  }

  /** Session IDs connected to a room on this node, in order of connection. */
  Set<String> online(String roomId) {
    Set<String> ids = new LinkedHashSet<>();
    members(roomId).forEach(m -> ids.add(m.sessionId));
    return ids;
  }

  /** Rooms with at least one connection on this node. */
  Set<String> roomIds() {
    return Set.copyOf(rooms.keySet());
  }

  /** Closes every connection (1012, service restart) so that clients reconnect and resume from their last seq. */
  void restartAll() {
    rooms.values().forEach(list -> list.forEach(m -> m.closeAfterDrain(1012, "reconnect")));
  }

  /** Delivers an event to this node's connections of the room. */
  void deliver(RoomEvent e) {
    List<Member> members = members(e.roomId());
    switch (e.kind()) {
      case MESSAGE -> members.forEach(m -> m.sendLive(e.seq(), e.frame()));
      case BROADCAST -> members.forEach(m -> m.send(e.frame()));
      case OTHERS -> members.stream().filter(m -> !m.sessionId.equals(e.sessionId())).forEach(m -> m.send(e.frame()));
      case ONE -> members.stream().filter(m -> m.sessionId.equals(e.sessionId())).forEach(m -> m.send(e.frame()));
      case ROOM_GONE -> {
        rooms.remove(e.roomId());
        members.forEach(
            m -> {
              m.send(e.frame());
              m.closeAfterDrain(CLOSE_ROOM_GONE, "room deleted");
            });
      }
      case SESSION_ENDED ->
          members.stream()
              .filter(m -> m.sessionId.equals(e.sessionId()))
              .forEach(m -> m.closeAfterDrain(CLOSE_SESSION_ENDED, "session ended"));
    }
  }

  private List<Member> members(String roomId) {
    List<Member> list = rooms.get(roomId);
    return list == null ? List.of() : list;
  }
}
