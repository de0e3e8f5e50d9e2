package chat.sotto.browser.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.sotto.it.SottoWar;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/** Leaving the room, or the room being closed, ends the call for those it concerns. */
@ExtendWith(ArquillianExtension.class)
@DisabledIfSystemProperty(named = "skipBrowserTests", matches = "true")
class RoomExitCallBrowserIT {
  @Deployment(testable = false)
  static WebArchive app() {
    return SottoWar.archive();
  }

  @Test
  void leavingTheRoomEndsTheCallForThatPersonOnly() {
    try (CallParty party = CallParty.inRoom(3)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      CallBrowser carol = party.get(2);
      MeshCallBrowserIT.startAndJoin(alice, bob, carol);
      alice.awaitVideoFrom(2);
      String bobId = bob.sessionId();
      String carolId = carol.sessionId();

      carol.click("Leave room");
      carol.until(d -> d.findElement(By.id("landing")).isDisplayed());
      assertTrue(carol.stats().isEmpty(), "Carol's connections are closed");
      alice.until(d -> alice.remoteTiles().equals(List.of(bobId)));
      bob.until(d -> !bob.remoteTiles().contains(carolId) && bob.remoteTiles().size() == 1);
      assertEquals(1, alice.stats().size());
      assertTrue(alice.callStatus().startsWith("You are in the call with"), alice.callStatus());
    }
  }

  @Test
  void closingTheRoomEndsTheCallForEveryone() {
    try (CallParty party = CallParty.inRoom(2)) {
      CallBrowser alice = party.get(0);
      CallBrowser bob = party.get(1);
      MeshCallBrowserIT.startAndJoin(alice, bob);
      alice.awaitVideoFrom(1);
      bob.awaitVideoFrom(1);

      alice.click("Close room");
      alice.click("Yes, close it");
      for (CallBrowser b : List.of(alice, bob)) {
        b.until(d -> d.findElement(By.id("room-gone")).isDisplayed());
        b.until(d -> b.stats().isEmpty());
        assertTrue(b.remoteTiles().isEmpty());
      }
    }
  }
}
