package chat.sotto.room;

import chat.sotto.common.JsonBuilders;

/**
 * Who may come into a room: {@code locked} lets no one join, {@code knock} makes newcomers wait for the owner, and
 * {@code sealed} (set by the first removal of an admitted member, for good) makes the room knock whatever {@code
 * knock} says, since the room code alone must no longer let anyone in.
 */
public record RoomAccess(boolean locked, boolean knock, boolean sealed) {
  /** True when a newcomer must knock. */
  public boolean knocks() {
    return knock || sealed;
  }

  /** The REST body: {@code {"locked":..,"knock":..,"sealed":..}}. */
  public String json() {
    return JsonBuilders.object()
        .add("locked", locked)
        .add("knock", knock)
        .add("sealed", sealed)
        .build()
        .toString();
  }
}
