package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.testsupport.IntegrationServices;
import chat.sotto.testsupport.TestPostgres;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The global storage caps, attacked on a Sotto node of their own (small caps, its own database), so that filling the
 * deployment disturbs no other test: a room past its byte cap keeps working within it, the deployment's byte cap
 * refuses new messages and rooms with {@code server_full}, and so does the room cap.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageCapsIT {
  private static final long MAX_ROOMS = 5;
  private static final long ROOM_BYTES = 131_072;
  /** More than one room at its cap holds, less than three. */
  private static final long TOTAL_BYTES = 300_000;
  /** The largest ciphertext the relay takes is 16 KiB; as stored (base64url, with the IV) this is 21,350 bytes. */
  private static final int CIPHERTEXT = 16_000;

  private static LibertyNode node;
  private static String dbUrl;
  private static Api.Session first;

  @BeforeAll
  static void startANodeWithSmallCaps() throws IOException {
    Map<String, String> settings = new HashMap<>();
    String pgPort = System.getProperty("sotto.it.pg.port");
    if (pgPort != null) {
      TestPostgres pg = IntegrationServices.postgres();
      pg.createDatabase("sotto_caps");
      dbUrl = pg.jdbcUrl("sotto_caps");
      settings.put("SOTTO_DB_KIND", "postgresql");
      settings.put("SOTTO_DB_HOST", "127.0.0.1");
      settings.put("SOTTO_DB_PORT", pgPort);
      settings.put("SOTTO_DB_NAME", "sotto_caps");
      settings.put("SOTTO_DB_USER", "sotto");
      settings.put("SOTTO_DB_PASSWORD", "sotto");
    } else {
      dbUrl = "jdbc:h2:file:" + Path.of("target/it-db/caps/sotto").toAbsolutePath() + ";AUTO_SERVER=TRUE";
      settings.put("SOTTO_DB_URL", dbUrl);
    }
    settings.put("SOTTO_CAPS_MAX_ROOMS", String.valueOf(MAX_ROOMS));
    settings.put("SOTTO_CAPS_ROOM_BYTES", String.valueOf(ROOM_BYTES));
    settings.put("SOTTO_CAPS_TOTAL_BYTES", String.valueOf(TOTAL_BYTES));
    settings.put("SOTTO_CAPS_TOTAL_REFRESH_SECONDS", "1");
    // The rooms here outlive their owners' sockets for the whole class (the build's default for tests is 8 s).
    settings.put("SOTTO_OWNER_GRACE_SECONDS", "3600");
    settings.put("SOTTO_LIMITS_ROOMS_PER_MINUTE", "6000");
    settings.put("SOTTO_LIMITS_ROOMS_BURST", "1000");
    // The test stores rooms full of the largest envelopes at once: the message rates would slow it, not test it.
    settings.put("SOTTO_LIMITS_MESSAGES_PER_SECOND", "1000");
    settings.put("SOTTO_LIMITS_MESSAGES_BURST", "100000");
    settings.put("SOTTO_LIMITS_ROOM_MESSAGES_PER_SECOND", "1000");
    settings.put("SOTTO_LIMITS_ROOM_MESSAGES_BURST", "100000");
    settings.put("SOTTO_LIMITS_MESSAGE_BYTES_PER_SECOND", "100000000");
    settings.put("SOTTO_LIMITS_MESSAGE_BYTES_BURST", "100000000");
    settings.put("SOTTO_LIMITS_ROOM_MESSAGE_BYTES_PER_SECOND", "100000000");
    settings.put("SOTTO_LIMITS_ROOM_MESSAGE_BYTES_BURST", "100000000");
    node =
        new LibertyNode(
            pgPort != null ? "sotto-caps-pg" : "sotto-caps",
            Integer.parseInt(System.getProperty("sotto.it.caps.http")),
            Integer.parseInt(System.getProperty("sotto.it.caps.https")),
            settings);
    node.start();
  }

  @AfterAll
  static void stopNode() throws IOException {
    if (node != null) {
      node.close();
    }
  }

  @Test
  @Order(1)
  void aRoomPastItsByteCapKeepsTakingMessagesAndDropsItsOldest() throws SQLException {
    first = Api.owner(node.base(), Api.newRoomId());
    try (RelayClient owner = RelayClient.connect(node.ws(), first, 0)) {
      for (int counter = 1; counter <= 12; counter++) {
        assertEquals(counter, send(owner, counter).getJsonNumber("seq").longValue(), "message " + counter + " stored");
      }
    }
    long stored = count("SELECT stored_bytes FROM rooms WHERE id = ?", first.roomId());
    assertTrue(stored <= ROOM_BYTES, "the room keeps at most its cap: " + stored);
    assertEquals(count("SELECT SUM(LENGTH(iv) + LENGTH(ct)) FROM messages WHERE room_id = ?", first.roomId()), stored);
    assertEquals(12, count("SELECT MAX(seq) FROM messages WHERE room_id = ?", first.roomId()), "the newest stays");
    assertTrue(count("SELECT MIN(seq) FROM messages WHERE room_id = ?", first.roomId()) > 1, "the oldest went");
  }

  @Test
  @Order(2)
  void creatingARoomBeyondTheRoomCapIsRefusedAsServerFull() {
    List<Api.Session> more = new ArrayList<>();
    while (count("SELECT COUNT(*) FROM rooms") < MAX_ROOMS) {
      more.add(Api.owner(node.base(), Api.newRoomId()));
    }
    HttpResponse<String> refused = createRoom();
    assertEquals(503, refused.statusCode());
    assertEquals("server_full", Api.field(refused.body(), "error"));
    assertEquals(MAX_ROOMS, count("SELECT COUNT(*) FROM rooms"));

    more.forEach(StorageCapsIT::closeRoom);
    String id = Api.newRoomId();
    HttpResponse<String> again = createRoom(id);
    assertEquals(201, again.statusCode(), "closing rooms makes room for new ones");
    closeRoom(Api.Session.of(id, again.body()));
  }

  @Test
  @Order(3)
  void aFullDeploymentRefusesNewMessagesAndRoomsAsServerFullUntilRoomsGo() {
    Api.Session b = Api.owner(node.base(), Api.newRoomId());
    Api.Session c = Api.owner(node.base(), Api.newRoomId());
    JsonObject refusal = null;
    try (RelayClient inB = RelayClient.connect(node.ws(), b, 0);
        RelayClient inC = RelayClient.connect(node.ws(), c, 0)) {
      // Two rooms at their cap fill the deployment; the refusal comes once a node rereads the total (every second
      // here), so the rooms keep taking messages (trimmed to their caps) until then: bounded by count and time.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      for (int counter = 1; counter <= 2_000 && refusal == null && System.nanoTime() < deadline; counter++) {
        for (RelayClient client : List.of(inB, inC)) {
          JsonObject outcome = send(client, counter);
          if ("error".equals(outcome.getString("t"))) {
            refusal = outcome;
            break;
          }
        }
      }
    }
    assertTrue(refusal != null, "the deployment filled up");
    assertEquals("server_full", refusal.getString("code"));
    assertTrue(count("SELECT MAX(stored_bytes) FROM rooms") <= ROOM_BYTES, "each room within its own cap");
    HttpResponse<String> create = createRoom();
    assertEquals(503, create.statusCode());
    assertEquals("server_full", Api.field(create.body(), "error"));

    closeRoom(b);
    closeRoom(c);
    try (RelayClient owner = RelayClient.connect(node.ws(), first, 0)) {
      long[] counter = {100};
      Await.until(
          "messages stored again",
          Duration.ofSeconds(15),
          () -> "ack".equals(send(owner, ++counter[0]).getString("t")));
    }
    HttpResponse<String> room = createRoom();
    assertEquals(201, room.statusCode(), "room creation works again");
  }

  /** Sends a maximum-size envelope and returns its outcome: the ack or error frame for its counter. */
  private static JsonObject send(RelayClient client, long counter) {
    client.sendEnvelope(counter, CIPHERTEXT);
    return client.await(
        f -> ("ack".equals(f.getString("t")) || "error".equals(f.getString("t"))) && f.getInt("c", -1) == counter,
        "the outcome of message " + counter);
  }

  private static HttpResponse<String> createRoom() {
    return createRoom(Api.newRoomId());
  }

  private static HttpResponse<String> createRoom(String roomId) {
    return Api.post(node.base(), "api/rooms", "{\"roomId\":\"" + roomId + "\"}");
  }

  private static void closeRoom(Api.Session owner) {
    HttpResponse<String> r = Api.delete(node.base(), "api/rooms/" + owner.roomId(), owner.token());
    assertEquals(204, r.statusCode(), "close room");
  }

  private static long count(String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(dbUrl, "sotto", "sotto");
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
