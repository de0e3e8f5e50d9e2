package chat.sotto.browser.call;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A few people, each in their own browser, in one new room; closing the party closes every browser. */
final class CallParty implements AutoCloseable {
  private final List<CallBrowser> people = new ArrayList<>();
  private String inviteLink;

  /** Starts `count` browsers; `prepare` runs on each before it opens the page; the first creates the room. */
  static CallParty inRoom(int count, Consumer<CallBrowser> prepare) {
    CallParty party = new CallParty();
    try {
      for (int i = 0; i < count; i++) {
        CallBrowser b = party.add();
        prepare.accept(b);
        if (i == 0) {
          party.inviteLink = b.createRoom();
        } else {
          b.enter(party.inviteLink);
        }
      }
      return party;
    } catch (RuntimeException | Error e) {
      party.close();
      throw e;
    }
  }

  static CallParty inRoom(int count) {
    return inRoom(count, b -> {});
  }

  /** Another browser that has not entered the room yet. */
  CallBrowser add() {
    CallBrowser b = CallBrowser.start();
    people.add(b);
    return b;
  }

  CallBrowser get(int i) {
    return people.get(i);
  }

  String inviteLink() {
    return inviteLink;
  }

  /** Closes one browser early (it stays closed; closing the party skips it). */
  void closeOne(CallBrowser b) {
    if (people.remove(b)) {
      b.close();
    }
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (CallBrowser b : people) {
      try {
        b.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    people.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
