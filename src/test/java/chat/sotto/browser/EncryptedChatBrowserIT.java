package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.Database;
import chat.sotto.it.SottoWar;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two people chat through the page; the network and the database see neither their words, names nor room code. */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class EncryptedChatBrowserIT {
  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void twoPeopleChatWhileNeitherTheWireNorTheDatabaseSeesTextNicknamesOrTheRoomCode() {
    String fromAlice = Secret.word("alice");
    String fromBob = Secret.word("bob");
    String aliceNick = Secret.word("Nick");
    String bobNick = Secret.word("Nick");
    RoomCode code;
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      code = alice.code();
      String invite = alice.copyInviteLink();
      assertEquals(SottoWar.ORIGIN + "/#" + code.formatted(), invite);
      assertEquals(SottoWar.BASE.toString(), a.url(), "the creator's address bar never shows the code");

      RoomPage bob = RoomPage.openInvite(b, invite);
      assertEquals(code.formatted(), bob.code().formatted());
      assertEquals(SottoWar.BASE.toString(), b.url(), "the code leaves the invitee's address bar once read");
      alice.setNickname(aliceNick);
      bob.setNickname(bobNick);

      alice.send(fromAlice);
      bob.awaitMessage(fromAlice, aliceNick);
      bob.send(fromBob);
      alice.awaitMessage(fromBob, bobNick);
      alice.awaitMessage(fromAlice, aliceNick);
      bob.awaitMessage(fromBob, bobNick);

      List<Secret> secrets = List.of(
          Secret.text("Alice's message", fromAlice),
          Secret.text("Bob's message", fromBob),
          Secret.text("Alice's nickname", aliceNick),
          Secret.text("Bob's nickname", bobNick),
          Secret.roomCode(code));
      for (Browser browser : List.of(a, b)) {
        SentTraffic sent = browser.sent();
        assertTrue(sent.frames().stream().anyMatch(f -> f.contains("\"t\":\"msg\"")), "chat frames were recorded");
        assertTrue(sent.frames().stream().anyMatch(f -> f.contains("\"t\":\"profile\"")), "profiles were recorded");
        for (Secret secret : secrets) {
          assertEquals(List.of(), sent.containing(secret), secret + " was sent readable");
        }
      }
      String roomId = code.roomId();
      assertEquals(List.of("{\"roomId\":\"" + roomId + "\"}"), a.sent().bodiesTo("/api/rooms"),
          "creating the room sends only the ID derived from the code");
      assertEquals(2, Database.count("SELECT COUNT(*) FROM messages WHERE room_id = ?", roomId));

      List<String> stored = new ArrayList<>();
      for (String table : List.of("rooms", "sessions", "messages", "rate_buckets")) {
        stored.addAll(Database.dump(table));
      }
      for (Secret secret : secrets) {
        assertEquals(List.of(), stored.stream().filter(secret::foundIn).toList(), secret + " is stored readable");
      }
    }
  }
}
