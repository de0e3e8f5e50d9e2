package chat.sotto.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.LongStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** Someone who joins late reads what was said before, one page at a time. */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class HistoryBrowserIT {
  /** Two people write this many each: 60 messages, more than the client's first history page of 50. */
  private static final int PER_WRITER = 30;

  /** The client loads this many of the newest messages on entering, and as many more per "Load earlier". */
  private static final int PAGE = 50;

  /** Each session may send 20 at once, then 5 per second: the 10 beyond the burst take about 2 s. */
  private static final Duration ALL_STORED = Duration.ofSeconds(30);

  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void aLateJoinerSeesTheNewestMessagesAndLoadEarlierBringsTheOlderOnes() {
    List<String> written = new ArrayList<>();
    try (Browser a = Browser.start();
        Browser b = Browser.start()) {
      RoomPage alice = RoomPage.createRoom(a);
      String invite = alice.copyInviteLink();
      RoomPage bob = RoomPage.openInvite(b, invite);
      // Names of their own: two random nicknames can be the same, and a shared one is shown with a key tag.
      alice.setNickname("Alice");
      bob.setNickname("Bob");
      WebElement aliceTypes = a.textbox("Message");
      WebElement bobTypes = b.textbox("Message");
      for (int i = 1; i <= PER_WRITER; i++) {
        String fromAlice = "alice " + i;
        String fromBob = "bob " + i;
        aliceTypes.sendKeys(fromAlice, Keys.ENTER);
        bobTypes.sendKeys(fromBob, Keys.ENTER);
        written.add(fromAlice);
        written.add(fromBob);
      }
      for (RoomPage writer : List.of(alice, bob)) {
        writer.browser().until("all " + written.size() + " messages stored", ALL_STORED,
            d -> writer.pendingCount() == 0 && writer.messages().size() == written.size());
      }
      String aliceNick = alice.nickname();
      String bobNick = bob.nickname();

      try (Browser c = Browser.start()) {
        RoomPage carol = RoomPage.openInvite(c, invite);
        List<RoomPage.Message> newest = carol.messages();
        assertEquals(seqs(written.size() - PAGE + 1, written.size()), seqsOf(newest), "the newest page, in order");
        assertTrue(c.shows("Load earlier"), "\"Load earlier\" is offered while older messages exist");

        c.click("Load earlier");
        List<RoomPage.Message> all = c.until("the earlier messages",
            d -> carol.messages().size() == written.size() ? carol.messages() : null);
        assertEquals(seqs(1, written.size()), seqsOf(all), "every message once, oldest first");
        assertEquals(new HashSet<>(written), new HashSet<>(all.stream().map(RoomPage.Message::text).toList()));
        for (RoomPage.Message m : all) {
          assertEquals(m.text().startsWith("alice ") ? aliceNick : bobNick, m.author(), m.text());
        }
        c.until("\"Load earlier\" to go away once nothing older is left", d -> !c.shows("Load earlier"));
      }
    }
  }

  private static List<Long> seqs(long first, long last) {
    return LongStream.rangeClosed(first, last).boxed().toList();
  }

  private static List<Long> seqsOf(List<RoomPage.Message> messages) {
    return messages.stream().map(RoomPage.Message::seq).toList();
  }
}
