package chat.sotto.housekeeping;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import chat.sotto.file.FileStore;
import chat.sotto.room.RoomId;
import chat.sotto.room.RoomService;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What a sweep does when a step fails: a failing room never stops the others, and a redeploy that takes the
 * application's classes away under a running sweep ends that sweep quietly (no exception out of the timer callback,
 * which the container would log with its stack and retry) while the next sweep works again.
 */
class HousekeeperTest {
  private static final RoomId A = new RoomId("A".repeat(43));
  private static final RoomId B = new RoomId("B".repeat(42) + "A");

  private final List<String> calls = new ArrayList<>();
  private Function<RoomId, RuntimeException> failure = id -> null;
  private Error error;

  private Housekeeper housekeeper() {
    Housekeeper housekeeper = new Housekeeper();
    housekeeper.rooms =
        new RoomService() {
          @Override
          public List<RoomId> expiredRoomIds() {
            return List.of(A, B);
          }

          @Override
          public boolean deleteIfExpired(RoomId roomId) {
            calls.add("delete " + roomId.value().charAt(0));
            if (error != null && roomId == A) {
              throw error;
            }
            RuntimeException e = failure.apply(roomId);
            if (e != null) {
              throw e;
            }
            return true;
          }
        };
    housekeeper.files =
        new FileStore() {
          @Override
          public int deleteAbandoned() {
            calls.add("uploads");
            return 0;
          }
        };
    return housekeeper;
  }

  @Test
  void aRoomThatCannotBeDeletedDoesNotStopTheOthersOrTheUploads() {
    failure = id -> id == A ? new IllegalStateException("database gone") : null;
    housekeeper().sweep();
    assertEquals(List.of("delete A", "delete B", "uploads"), calls);
  }

  @Test
  void classesGoneUnderARunningSweepEndItQuietlyAndTheNextSweepRuns() {
    Housekeeper housekeeper = housekeeper();
    error = new NoClassDefFoundError("chat/sotto/file/FileRows");
    assertDoesNotThrow(housekeeper::sweep);
    assertEquals(List.of("delete A"), calls, "nothing after the class that could not be loaded");

    calls.clear();
    error = null;
    housekeeper.sweep();
    assertEquals(List.of("delete A", "delete B", "uploads"), calls);
  }

  @Test
  void aMissingClassWrappedByAnObserverFailureEndsTheSweepToo() {
    failure =
        id ->
            new jakarta.enterprise.event.ObserverException(
                new RuntimeException(new NoClassDefFoundError("chat/sotto/file/FileRows")));
    assertDoesNotThrow(housekeeper()::sweep);
    assertEquals(List.of("delete A"), calls);
  }

  @Test
  void afterTheApplicationStopsATimeoutDoesNothing() {
    Housekeeper housekeeper = housekeeper();
    housekeeper.stop();
    housekeeper.sweep();
    assertEquals(List.of(), calls);
  }
}
