package chat.sotto.bench.floor;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Liberty's own WebSocket floor, for benchmarks only (packaged as {@code floor.war} by the {@code bench} profile and
 * deployed beside the product on the benchmark server; never in Sotto's WAR). It does the least a relay can: the first
 * frame names the room ({@code {"t":"auth","token":"<room>:<member>"}}), answered by a welcome and a presence list;
 * every later text message goes unchanged to the room's other sockets, by synchronous sends from the receiving
 * thread, or, on {@code /ws-async}, as Sotto's relay sends: one asynchronous send in flight per socket and a queue
 * behind it ({@link AsyncFloorEndpoint}). Nothing is parsed, checked, stored or acknowledged: the difference between its cost per delivery and the
 * product's is what Sotto's own path costs.
 */
@ServerEndpoint("/ws")
public class FloorEndpoint {
  private static final ConcurrentHashMap<String, List<Session>> ROOMS = new ConcurrentHashMap<>();
  private static final String ROOM = "floor.room";
  private static final String MEMBER = "floor.member";

  @OnMessage(maxMessageSize = 65_536)
  public void text(Session socket, String text) {
    relay(socket, text, this::send);
  }

  /** A socket's first message joins it to the room its token names; every later one goes to the room's others. */
  static void relay(Session socket, String text, Sender sender) {
    List<Session> room = room(socket);
    if (room == null) {
      join(socket, text, sender);
      return;
    }
    for (Session other : room) {
      if (other != socket) {
        sender.send(other, text);
      }
    }
  }

  /** How a variant sends one text message to one socket. */
  interface Sender {
    void send(Session to, String text);
  }

  static List<Session> room(Session socket) {
    String room = (String) socket.getUserProperties().get(ROOM);
    return room == null ? null : ROOMS.getOrDefault(room, List.of());
  }

  @OnClose
  public void close(Session socket) {
    String room = (String) socket.getUserProperties().get(ROOM);
    if (room != null) {
      ROOMS.computeIfPresent(room, (k, members) -> members.remove(socket) && members.isEmpty() ? null : members);
    }
  }

  static void join(Session socket, String auth, Sender sender) {
    int at = auth.indexOf("\"token\":\"");
    int colon = at < 0 ? -1 : auth.indexOf(':', at + 9);
    int end = colon < 0 ? -1 : auth.indexOf('"', colon);
    if (end < 0) {
      try {
        socket.close();
      } catch (IOException e) {
        // gone
      }
      return;
    }
    String room = auth.substring(at + 9, colon);
    socket.getUserProperties().put(ROOM, room);
    socket.getUserProperties().put(MEMBER, auth.substring(colon + 1, end));
    List<Session> members = ROOMS.computeIfAbsent(room, k -> new CopyOnWriteArrayList<>());
    members.add(socket);
    sender.send(socket, "{\"t\":\"welcome\",\"maxCounter\":0}");
    StringBuilder online = new StringBuilder("{\"t\":\"presence\",\"online\":[");
    for (Session m : members) {
      online.append(online.charAt(online.length() - 1) == '[' ? "" : ",");
      online.append('"').append(m.getUserProperties().get(MEMBER)).append('"');
    }
    String presence = online.append("]}").toString();
    members.forEach(m -> sender.send(m, presence));
  }

  // One send at a time per socket: frames from several receiving threads to one socket take turns.
  void send(Session to, String text) {
    synchronized (to) {
      try {
        to.getBasicRemote().sendText(text);
      } catch (IOException | RuntimeException e) {
        // a closed socket: its close removes it from the room
      }
    }
  }
}
