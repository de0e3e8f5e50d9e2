package chat.sotto.room;

import chat.sotto.limits.Limit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Room lifecycle and admission settings (MicroProfile Config; environment variables override). */
@ApplicationScoped
public class RoomSettings {
  @Inject
  @ConfigProperty(name = "sotto.owner.grace-seconds", defaultValue = "120")
  long ownerGraceSeconds;

  @Inject
  @ConfigProperty(name = "sotto.room.idle-seconds", defaultValue = "86400")
  long idleSeconds;

  @Inject
  @ConfigProperty(name = "sotto.room.max-members", defaultValue = "50")
  int maxMembers;

  @Inject
  @ConfigProperty(name = "sotto.limits.rooms.per-minute", defaultValue = "600")
  double roomsPerMinute;

  @Inject
  @ConfigProperty(name = "sotto.limits.rooms.burst", defaultValue = "200")
  int roomsBurst;

  @Inject
  @ConfigProperty(name = "sotto.limits.joins.per-minute", defaultValue = "30")
  double joinsPerMinute;

  @Inject
  @ConfigProperty(name = "sotto.limits.joins.burst", defaultValue = "20")
  int joinsBurst;

  @Inject
  @ConfigProperty(name = "sotto.limits.sessions.per-minute", defaultValue = "6000")
  double sessionsPerMinute;

  @Inject
  @ConfigProperty(name = "sotto.limits.sessions.burst", defaultValue = "1000")
  int sessionsBurst;

  public long ownerGraceMillis() {
    return ownerGraceSeconds * 1000;
  }

  public long idleMillis() {
    return idleSeconds * 1000;
  }

  public int maxMembers() {
    return maxMembers;
  }

  /**
   * Rooms created, across the whole deployment: the backstop behind each client's own budget (see
   * {@code chat.sotto.admission}), so set well above it.
   */
  public Limit roomCreation() {
    return Limit.perMinute(roomsPerMinute, roomsBurst);
  }

  /** Sessions issued by joining one room. */
  public Limit joinsPerRoom() {
    return Limit.perMinute(joinsPerMinute, joinsBurst);
  }

  /** Sessions issued across the whole deployment. */
  public Limit sessionCreation() {
    return Limit.perMinute(sessionsPerMinute, sessionsBurst);
  }
}
