package chat.sotto.relay;

import chat.sotto.metrics.RelayMetrics;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The connections this node holds, by room, and delivery of room events to them. Connections of knocking sessions
 * are kept apart: they are in no one's presence and get only the events that name their session. Also the in-memory
 * message rates
 * of the rooms and sessions connected here (admission before the shared writer queue): they live as long as the room
 * or session has a connection on this node.
 */
@ApplicationScoped
public class LocalRooms {
  private final ConcurrentHashMap<RoomId, LocalRoom> rooms = new ConcurrentHashMap<>();

  @Inject RelayMetrics metrics;

  /** Adds a connection, unless its session already has {@code maxPerSession} here; then it returns false. */
  boolean add(Member m, int maxPerSession) {
    boolean[] added = {false};
    rooms.compute(
        m.roomId,
        (k, room) -> {
          LocalRoom r = room == null ? new LocalRoom() : room;
          if (r.connectionsOf(m.sessionId) < maxPerSession) {
            (m.admitted ? r.members : r.waiting).add(m);
            added[0] = true;
          }
          return r.isEmpty() ? null : r;
        });
    if (added[0]) {
      metrics.joined();
    }
    return added[0];
  }

  /** Removes a connection; returns true if that session has no other connection here. */
  boolean remove(Member m) {
    boolean[] last = {true};
    rooms.computeIfPresent(
        m.roomId,
        (k, r) -> {
          r.members.remove(m);
          r.waiting.remove(m);
          last[0] = r.connectionsOf(m.sessionId) == 0;
          if (last[0]) {
            r.sessionRates.remove(m.sessionId);
          }
          return r.isEmpty() ? null : r;
        });
    return last[0];
  }

  /**
   * Admits one chat message of {@code bytes} from {@code m} at {@code now} against its session's and its room's
   * rates on this node: 0 when admitted, else the milliseconds to wait.
   */
  long admit(Member m, long now, int bytes, ChatRates rates) {
    LocalRoom r = rooms.get(m.roomId);
    if (r == null) {
      return 0; // closing: the database limit still applies
    }
    SessionRates session = r.sessionRates.computeIfAbsent(m.sessionId, k -> new SessionRates());
    int kib = ChatRates.kibibytes(bytes);
    long wait = session.messages.take(rates.sessionMessages(), now);
    if (wait > 0) {
      return wait;
    }
    wait = session.kibibytes.take(rates.sessionKibibytes(), now, kib);
    if (wait == 0) {
      wait = r.rate.take(rates.roomMessages(), now);
      if (wait == 0) {
        wait = r.kibibytes.take(rates.roomKibibytes(), now, kib);
        if (wait > 0) {
          r.rate.giveBack(rates.roomMessages(), now);
        }
      }
      if (wait > 0) {
        session.kibibytes.giveBack(rates.sessionKibibytes(), now, kib);
      }
    }
    if (wait > 0) {
      session.messages.giveBack(rates.sessionMessages(), now);
    }
    return wait;
  }

  /** Session IDs connected to a room on this node, in order of connection. */
  Set<SessionId> online(RoomId roomId) {
    Set<SessionId> ids = new LinkedHashSet<>();
    members(roomId).forEach(m -> ids.add(m.sessionId));
    return ids;
  }

  /** Rooms with at least one connection on this node. */
  Set<RoomId> roomIds() {
    return Set.copyOf(rooms.keySet());
  }

  /** Rooms with at least one connection on this node: their number. */
  int roomCount() {
    return rooms.size();
  }

  /** Runs {@code action} for every connection of this node, knocking ones included. */
  void forEachMember(Consumer<Member> action) {
    rooms.values().forEach(r -> r.all().forEach(action));
  }

  /** Closes every connection (1012, service restart) so that clients reconnect and resume from their last seq. */
  void restartAll() {
    forEachMember(m -> m.closeAfterDrain(CloseCode.RESTART));
  }

  /** Delivers an event to this node's connections of the room. */
  void deliver(RoomEvent e) {
    LocalRoom room = rooms.get(e.roomId());
    if (room == null) {
      return;
    }
    List<Member> members = room.members;
    List<Member> deferred = Coalescing.deferred();
    switch (e.kind()) {
      case MESSAGE -> {
        int delivered = 0;
        for (Member m : members) {
          if (m.sendLive(e.seq(), e.frame(), deferred)) {
            delivered++;
          }
        }
        metrics.delivered(delivered);
      }
      case BROADCAST -> members.forEach(m -> m.send(e.frame(), deferred));
      case OTHERS -> members.stream().filter(m -> !m.sessionId.equals(e.sessionId())).forEach(m -> m.send(e.frame()));
      case ONE -> members.stream().filter(m -> m.sessionId.equals(e.sessionId())).forEach(m -> m.send(e.frame()));
      case ROOM_GONE -> {
        rooms.remove(e.roomId());
        room.all().forEach(
            m -> {
              m.send(e.frame());
              m.closeAfterDrain(CloseCode.ROOM_GONE);
            });
      }
      case SESSION_ENDED -> room.connectionsOf(e.sessionId(), m -> m.closeAfterDrain(CloseCode.SESSION_ENDED));
      case TO_OWNER -> members.stream().filter(Member::owner).forEach(m -> m.send(e.frame()));
      case ADMITTED ->
          room.waiting.stream()
              .filter(m -> m.sessionId.equals(e.sessionId()))
              .forEach(
                  m -> {
                    m.send(e.frame());
                    m.closeAfterDrain(CloseCode.ADMITTED);
                  });
      case REMOVED -> room.connectionsOf(e.sessionId(), m -> m.closeAfterDrain(CloseCode.REMOVED));
      case OWNER -> {
        room.all().forEach(m -> m.owner(m.sessionId.equals(e.sessionId())));
        members.forEach(m -> m.send(e.frame()));
      }
    }
  }

  private List<Member> members(RoomId roomId) {
    LocalRoom r = rooms.get(roomId);
    return r == null ? List.of() : r.members;
  }

  private static final class LocalRoom {
    /** Connections of admitted sessions. */
    final CopyOnWriteArrayList<Member> members = new CopyOnWriteArrayList<>();
    /** Connections of knocking sessions. */
    final CopyOnWriteArrayList<Member> waiting = new CopyOnWriteArrayList<>();
    final MemoryBucket rate = new MemoryBucket();
    final MemoryBucket kibibytes = new MemoryBucket();
    final ConcurrentHashMap<SessionId, SessionRates> sessionRates = new ConcurrentHashMap<>();

    boolean isEmpty() {
      return members.isEmpty() && waiting.isEmpty();
    }

    List<Member> all() {
      List<Member> all = new ArrayList<>(members);
      all.addAll(waiting);
      return all;
    }

    long connectionsOf(SessionId sessionId) {
      return all().stream().filter(m -> m.sessionId.equals(sessionId)).count();
    }

    void connectionsOf(SessionId sessionId, Consumer<Member> action) {
      all().stream().filter(m -> m.sessionId.equals(sessionId)).forEach(action);
    }
  }

  private static final class SessionRates {
    final MemoryBucket messages = new MemoryBucket();
    final MemoryBucket kibibytes = new MemoryBucket();
  }
}
