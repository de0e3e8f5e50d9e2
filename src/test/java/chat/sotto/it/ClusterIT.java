package chat.sotto.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.testsupport.IntegrationServices;
import chat.sotto.testsupport.TestPostgres;
import chat.sotto.testsupport.TestRedis;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Sotto nodes on different ports sharing one PostgreSQL and one Redis (all private, on loopback): members on
 * different nodes share rooms, a node can die mid-stream, Redis can go away and come back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final String DATABASE = "sotto_cluster";
  private static LibertyNode one;
  private static LibertyNode two;

  @BeforeAll
  static void startTwoNodesAtOnce() throws Exception {
    Assumptions.assumeTrue(
        System.getProperty("sotto.it.pg.port") != null, "runs in Maven's postgresql integration-test execution");
    TestPostgres pg = IntegrationServices.postgres();
    pg.createDatabase(DATABASE);
    // The database is left at schema version 1, as an older release would have left it.
    org.flywaydb.core.Flyway.configure()
        .dataSource(pg.jdbcUrl(DATABASE), "sotto", "sotto")
        .locations("classpath:db/migration")
        .target("1")
        .load()
        .migrate();
    Map<String, String> settings = new HashMap<>();
    settings.put("SOTTO_DB_KIND", "postgresql");
    settings.put("SOTTO_DB_HOST", "127.0.0.1");
    settings.put("SOTTO_DB_PORT", String.valueOf(pg.port()));
    settings.put("SOTTO_DB_NAME", DATABASE);
    settings.put("SOTTO_DB_USER", "sotto");
    settings.put("SOTTO_DB_PASSWORD", "sotto");
    settings.put("SOTTO_BUS", "redis");
    settings.put("SOTTO_REDIS_URL", IntegrationServices.redis().url());
    settings.put("SOTTO_OWNER_GRACE_SECONDS", "10");
    settings.put("SOTTO_HOUSEKEEPING_INTERVAL_SECONDS", "1");
    settings.put("SOTTO_LIMITS_ROOMS_PER_MINUTE", "6000");
    settings.put("SOTTO_LIMITS_ROOMS_BURST", "1000");
    // production transport policy: the test clients come "through a TLS-terminating proxy" (X-Forwarded-Proto)
    settings.put("SOTTO_HTTPS_ONLY", "true");
    one = new LibertyNode("sotto-node1", port("sotto.it.node1.port"), port("sotto.it.node1.https"), settings);
    two = new LibertyNode("sotto-node2", port("sotto.it.node2.port"), port("sotto.it.node2.https"), settings);
    CompletableFuture<Void> a = CompletableFuture.runAsync(() -> start(one));
    CompletableFuture<Void> b = CompletableFuture.runAsync(() -> start(two));
    CompletableFuture.allOf(a, b).join();
  }

  @AfterAll
  static void stopNodes() throws IOException {
    if (one != null) {
      one.close();
    }
    if (two != null) {
      two.close();
    }
  }

  @Test
  @Order(1)
  void twoNodesStartingTogetherOnAnOlderSchemaUpgradedItOnce() throws SQLException {
    assertEquals(
        List.of("1", "2", "3", "4", "5", "6", "7"),
        strings("SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank"));
  }

  @Test
  @Order(1)
  void outsideDevelopmentPlainHttpIsRedirectedToHttpsAndHttpsGetsHsts() throws Exception {
    var plain =
        java.net.http.HttpClient.newHttpClient()
            .send(java.net.http.HttpRequest.newBuilder(one.base().resolve("api/rooms?x=1")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(308, plain.statusCode());
    assertEquals("https://localhost/api/rooms?x=1", plain.headers().firstValue("Location").orElse(""));
    var proxied = Api.get(one.base(), "", null);
    assertEquals(200, proxied.statusCode());
    assertTrue(proxied.headers().firstValue("Strict-Transport-Security").orElse("").startsWith("max-age="));
  }

  @Test
  @Order(2)
  void membersOnDifferentNodesChatInOrderAndSeeEachOther() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(one.base(), room);
    Api.Session member = Api.member(two.base(), room);
    try (RelayClient a = RelayClient.connect(one.ws(), owner, 0);
        RelayClient b = RelayClient.connect(two.ws(), member, 0)) {
      a.await(f -> "presence".equals(f.getString("t")) && f.getJsonArray("online").size() == 2, "both online, seen on node 1");
      b.await(f -> "presence".equals(f.getString("t")) && f.getJsonArray("online").size() == 2, "both online, seen on node 2");
      b.send("{\"t\":\"typing\"}");
      assertEquals(member.sessionId(), a.await("typing").getString("from"));
      for (int i = 1; i <= 10; i++) {
        a.sendEnvelope(i, 300);
        b.sendEnvelope(i, 300);
      }
      List<Long> atA = seqs(a.messages(20));
      List<Long> atB = seqs(b.messages(20));
      assertEquals(range(1, 20), sorted(atA), "node 1 saw every message once");
      assertEquals(range(1, 20), sorted(atB), "node 2 saw every message once");
    }
  }

  @Test
  @Order(3)
  void ownerClosingOnOneNodeTellsMembersOnTheOtherAndDeletesEverything() throws SQLException {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(one.base(), room);
    Api.Session member = Api.member(two.base(), room);
    try (RelayClient a = RelayClient.connect(one.ws(), owner, 0);
        RelayClient b = RelayClient.connect(two.ws(), member, 0)) {
      a.sendEnvelope(1, 100);
      b.await("msg");
      assertEquals(204, Api.delete(one.base(), "api/rooms/" + room, owner.token()).statusCode());
      b.await("gone");
      assertEquals(4404, b.awaitClose());
    }
    assertEquals(0, count("SELECT COUNT(*) FROM rooms WHERE id = ?", room));
    assertEquals(0, count("SELECT COUNT(*) FROM messages WHERE room_id = ?", room));
    assertEquals(0, count("SELECT COUNT(*) FROM sessions WHERE room_id = ?", room));
  }

  @Test
  @Order(4)
  void anOwnerWhoReconnectsToTheOtherNodeWithinGraceKeepsTheRoom() throws SQLException {
    String room = Api.newRoomId();
    String control = Api.newRoomId();
    Api.Session owner = Api.owner(one.base(), room);
    Api.Session controlOwner = Api.owner(one.base(), control);
    RelayClient first = RelayClient.connect(one.ws(), owner, 0);
    RelayClient controlFirst = RelayClient.connect(one.ws(), controlOwner, 0);
    first.abort();
    controlFirst.abort();
    Await.until(
        "node 1 to notice the owner left",
        Duration.ofSeconds(10),
        () -> countQuietly("SELECT COUNT(*) FROM rooms WHERE id = ? AND owner_away_since IS NOT NULL", room) == 1);
    try (RelayClient back = RelayClient.connect(two.ws(), owner, 0)) {
      Await.until("the control room, whose owner left, to expire", Duration.ofSeconds(40), () -> countQuietly("SELECT COUNT(*) FROM rooms WHERE id = ?", control) == 0);
      assertEquals(1, count("SELECT COUNT(*) FROM rooms WHERE id = ?", room), "the owner is connected on node 2");
    }
  }

  @Test
  @Order(4)
  void knockingAdmissionRemovalAndHandOverOnOneNodeReachSocketsOnTheOther() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(one.base(), room);
    Api.Session member = Api.member(two.base(), room);
    assertEquals(200, Api.patch(one.base(), "api/rooms/" + room, "{\"knock\":true}", owner.token()).statusCode());
    Api.Session newcomer = Api.member(two.base(), room);
    try (RelayClient o = RelayClient.connect(one.ws(), owner, 0);
        RelayClient m = RelayClient.connect(two.ws(), member, 0)) {
      try (RelayClient w = RelayClient.knock(two.ws(), newcomer)) {
        w.send(RelayClient.envelope("knock", 1, 80));
        assertEquals(newcomer.sessionId(), o.await("knock").getString("from"), "a knock on node 2 reaches node 1");
        String admit = "api/rooms/" + room + "/members/" + newcomer.sessionId() + "/admit";
        assertEquals(204, Api.post(one.base(), admit, null, owner.token()).statusCode());
        w.await("admitted");
        assertEquals(4100, w.awaitClose());
      }
      try (RelayClient n = RelayClient.connect(two.ws(), newcomer, 0)) {
        assertEquals(
            204, Api.delete(one.base(), "api/rooms/" + room + "/members/" + member.sessionId(), owner.token()).statusCode());
        assertEquals(4003, m.awaitClose(), "a removal on node 1 closes the member's socket on node 2");
        JsonObject left = n.await("left");
        assertEquals(member.sessionId(), left.getString("from"));
        assertTrue(left.getBoolean("removed"));
        assertTrue(n.await("room").getBoolean("sealed"));
        assertTrue(o.await("room").getBoolean("sealed"));
        String handOver = "{\"sessionId\":\"" + newcomer.sessionId() + "\"}";
        assertEquals(204, Api.post(one.base(), "api/rooms/" + room + "/owner", handOver, owner.token()).statusCode());
        assertEquals(newcomer.sessionId(), n.await("owner").getString("ownerId"));
        assertEquals(newcomer.sessionId(), o.await("owner").getString("ownerId"));
        Api.Session knocking = Api.member(one.base(), room);
        try (RelayClient k = RelayClient.knock(one.ws(), knocking)) {
          k.send(RelayClient.envelope("knock", 1, 80));
          assertEquals(knocking.sessionId(), n.await("knock").getString("from"), "knocks follow the new owner");
        }
      }
    }
  }

  @Test
  @Order(5)
  void rateLimitsHoldAcrossNodes() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(one.base(), room);
    try (RelayClient a = RelayClient.connect(one.ws(), owner, 0);
        RelayClient b = RelayClient.connect(two.ws(), owner, 0)) {
      long start = System.nanoTime();
      for (int i = 1; i <= 30; i++) {
        a.sendEnvelope(i, 50);
        b.sendEnvelope(100 + i, 50);
      }
      int acked = acks(a, 30) + acks(b, 30);
      double seconds = (System.nanoTime() - start) / 1e9;
      long allowed = 20 + (long) Math.ceil(5 * seconds) + 1;
      assertTrue(acked >= 20, "the burst is admitted: " + acked);
      assertTrue(acked <= allowed, "one session's burst of 20 plus 5/s over " + seconds + " s, not a burst per node: " + acked);
    }
  }

  @Test
  @Order(5)
  void membersOnBothNodesReceiveEveryMessageOfNineSendersOnceInSeqOrder() {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(two.base(), room);
    List<Api.Session> senders = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      senders.add(Api.member(two.base(), room));
    }
    Api.Session crossReader = Api.member(one.base(), room);
    List<RelayClient> clients = new ArrayList<>();
    try (RelayClient sameNode = RelayClient.connect(two.ws(), owner, 0);
        RelayClient crossNode = RelayClient.connect(one.ws(), crossReader, 0)) {
      for (Api.Session s : senders) {
        clients.add(RelayClient.connect(two.ws(), s, 0));
      }
      int perSender = 10; // 90 messages: within the room's burst, so no rate limit refuses any
      for (int round = 1; round <= perSender; round++) {
        for (RelayClient c : clients) {
          c.sendEnvelope(round, 400);
          c.await("ack");
        }
      }
      int total = perSender * clients.size();
      List<JsonObject> here = sameNode.messages(total);
      List<JsonObject> there = crossNode.messages(total);
      assertEquals(seqs(here), seqs(there), "both nodes deliver the same messages in the same order");
      assertEquals(total, new HashSet<>(seqs(here)).size(), "no message twice");
      assertEquals(sorted(seqs(here)), seqs(here), "in seq order");
      for (Api.Session s : senders) {
        long fromOne = here.stream().filter(m -> m.getString("from").equals(s.sessionId())).count();
        assertEquals(perSender, fromOne, "every message of every sender");
      }
    } finally {
      clients.forEach(RelayClient::close);
    }
  }

  @Test
  @Order(6)
  void whenRedisStopsNodesAreNotReadyRefuseWorkAndRecoverLosingNothing() throws Exception {
    TestRedis redis = IntegrationServices.redis();
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(one.base(), room);
    try (RelayClient a = RelayClient.connect(one.ws(), owner, 0)) {
      for (int i = 1; i <= 5; i++) {
        a.sendEnvelope(i, 100);
        a.await("ack");
      }
      redis.stop();
      Await.until("node 1 not ready", Duration.ofSeconds(30), () -> one.readiness() == 503);
      Await.until("node 2 not ready", Duration.ofSeconds(30), () -> two.readiness() == 503);
      a.sendEnvelope(6, 100);
      JsonObject refused = a.await(f -> Set.of("error", "ack").contains(f.getString("t")), "a refusal");
      assertEquals("unavailable", refused.getString("code"), refused.toString());
      redis.startAgain();
      one.awaitReady(Duration.ofSeconds(30));
      two.awaitReady(Duration.ofSeconds(30));
    }
    assertEquals(5, count("SELECT COUNT(*) FROM messages WHERE room_id = ?", room), "nothing stored was lost");
    try (RelayClient again = RelayClient.connect(two.ws(), owner, 0)) {
      assertEquals(range(1, 5), seqs(again.messages(5)));
      again.sendEnvelope(6, 100);
      again.await("ack");
    }
  }

  @Test
  @Order(7)
  void whenTheDatabaseStopsNodesAreNotReadyRefuseWorkAndRecoverLosingNothing() throws Exception {
    TestPostgres pg = IntegrationServices.postgres();
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(one.base(), room);
    try (RelayClient a = RelayClient.connect(one.ws(), owner, 0)) {
      for (int i = 1; i <= 3; i++) {
        a.sendEnvelope(i, 100);
        a.await("ack");
      }
      pg.stop();
      try {
        Await.until("node 1 not ready", Duration.ofSeconds(30), () -> one.readiness() == 503);
        Await.until("node 2 not ready", Duration.ofSeconds(30), () -> two.readiness() == 503);
        a.sendEnvelope(4, 100);
        JsonObject refused = a.await(f -> Set.of("error", "ack").contains(f.getString("t")), "a refusal");
        assertEquals("unavailable", refused.getString("code"), refused.toString());
        var join = Api.post(two.base(), "api/rooms/" + room + "/sessions", null);
        assertEquals(503, join.statusCode(), join.body());
        assertEquals("unavailable", Api.field(join.body(), "error"));
      } finally {
        pg.startAgain();
      }
      one.awaitReady(Duration.ofSeconds(60));
      two.awaitReady(Duration.ofSeconds(60));
      a.sendEnvelope(4, 100);
      a.await("ack");
    }
    assertEquals(4, count("SELECT COUNT(*) FROM messages WHERE room_id = ?", room), "nothing stored was lost");
  }

  @Test
  @Order(8)
  void whenANodeIsKilledMidStreamItsClientsResumeOnTheOtherAndGetEveryMessageOnce() throws Exception {
    String room = Api.newRoomId();
    Api.Session owner = Api.owner(two.base(), room);
    Api.Session reader = Api.member(two.base(), room);
    int total = 40;
    try (RelayClient sender = RelayClient.connect(two.ws(), owner, 0)) {
      RelayClient onOne = RelayClient.connect(one.ws(), reader, 0);
      Set<Long> seen = new HashSet<>();
      List<Long> duplicates = new ArrayList<>();
      AtomicLong contiguous = new AtomicLong();
      for (int i = 1; i <= total; i++) {
        sendStored(sender, i);
        if (i == 15) {
          collect(onOne, 15, seen, duplicates, contiguous);
          one.kill();
          assertTrue(onOne.awaitClose() != 0);
        }
      }
      try (RelayClient resumed = RelayClient.connect(two.ws(), reader, contiguous.get())) {
        collect(resumed, total - seen.size(), seen, duplicates, contiguous);
      }
      assertEquals(List.of(), duplicates, "no message twice");
      assertEquals(new HashSet<>(range(1, total)), seen, "every message once");
    }
  }

  // Sends one envelope until it is stored: a rate-limited send is tried again at the next poll, so the test waits on
  // the acknowledgement, not on the refusal's retryAfterMs. Resending is idempotent (same counter).
  private static void sendStored(RelayClient sender, long counter) {
    Await.until(
        "envelope " + counter + " to be stored",
        Duration.ofSeconds(10),
        () -> {
          sender.sendEnvelope(counter, 200);
          JsonObject f = sender.await(x -> Set.of("ack", "error").contains(x.getString("t")), "ack or error");
          if ("ack".equals(f.getString("t"))) {
            return true;
          }
          assertEquals("rate_limited", f.getString("code"));
          return false;
        });
  }

  private static void collect(RelayClient c, int n, Set<Long> seen, List<Long> dups, AtomicLong contiguous) {
    for (JsonObject f : c.messages(n)) {
      long seq = f.getJsonNumber("seq").longValue();
      if (!seen.add(seq)) {
        dups.add(seq);
      }
      while (seen.contains(contiguous.get() + 1)) {
        contiguous.incrementAndGet();
      }
    }
  }

  private static int acks(RelayClient c, int frames) {
    int acked = 0;
    for (int i = 0; i < frames; i++) {
      JsonObject f = c.await(x -> Set.of("ack", "error").contains(x.getString("t")), "ack or error");
      acked += "ack".equals(f.getString("t")) ? 1 : 0;
    }
    return acked;
  }

  private static void start(LibertyNode node) {
    try {
      node.start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int port(String property) {
    return Integer.parseInt(System.getProperty(property));
  }

  private static Connection db() throws SQLException {
    return DriverManager.getConnection(IntegrationServices.postgres().jdbcUrl(DATABASE), "sotto", "sotto");
  }

  private static long count(String sql, String param) throws SQLException {
    try (Connection c = db();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, param);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long countQuietly(String sql, String param) {
    try {
      return count(sql, param);
    } catch (SQLException e) {
      return -1;
    }
  }

  private static List<String> strings(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static List<Long> seqs(List<JsonObject> frames) {
    return frames.stream().map(f -> f.getJsonNumber("seq").longValue()).toList();
  }

  private static List<Long> sorted(List<Long> values) {
    return values.stream().sorted().toList();
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }
}
