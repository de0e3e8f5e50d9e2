package chat.sotto.message;

import chat.sotto.common.Transactions;
import chat.sotto.limits.RateLimiter;
import chat.sotto.room.RoomDeleting;
import chat.sotto.room.RoomService;
import chat.sotto.session.Participant;
import chat.sotto.session.SessionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Stores chat envelopes in order and pages them back. */
@ApplicationScoped
public class MessageStore {
  /** How often (in messages) a room's history is trimmed to its limit. */
  private static final int TRIM_EVERY = 50;

  @PersistenceContext(unitName = "sotto")
  EntityManager em;

  @Inject Transactions tx;
  @Inject RoomService rooms;
  @Inject SessionStore sessions;
  @Inject RateLimiter limiter;
  @Inject MessageSettings settings;
  @Inject Clock clock;

  /**
   * Stores an envelope from {@code sender} and gives it the room's next sequence number. A resend of a counter
   * already stored returns the stored message unchanged, so offline resends are idempotent.
   */
  public Stored store(Participant sender, Envelope envelope) {
    return tx.required(() -> storeInTransaction(sender, envelope));
  }

  private Stored storeInTransaction(Participant sender, Envelope envelope) {
    StoredMessage existing = find(sender, envelope.counter());
    if (existing != null) {
      return new Stored(existing, true);
    }
    long now = clock.millis();
    String room = sender.roomId();
    limiter.acquire(SessionStore.messageBucket(sender.id()), settings.perSession(), now);
    limiter.acquire(RoomService.messageBucket(room), settings.perRoom(), now);
    long seq = rooms.nextSeq(room, now);
    StoredMessage message = new StoredMessage(room, seq, sender.id(), envelope, now);
    em.persist(message);
    sessions.noteCounter(sender.id(), envelope.counter());
    if (seq % TRIM_EVERY == 0 && seq > settings.historyLimit()) {
      em.createQuery("DELETE FROM StoredMessage m WHERE m.roomId = :room AND m.seq <= :oldest")
          .setParameter("room", room)
          .setParameter("oldest", seq - settings.historyLimit())
          .executeUpdate();
    }
    return new Stored(message, false);
  }

  /** Up to {@code limit} messages before {@code beforeSeq} (or the newest), ascending. */
  public Page before(String roomId, long beforeSeq, int limit) {
    List<StoredMessage> newestFirst =
        tx.required(
            () ->
                em.createQuery(
                        "SELECT m FROM StoredMessage m WHERE m.roomId = :room AND m.seq < :before ORDER BY m.seq DESC",
                        StoredMessage.class)
                    .setParameter("room", roomId)
                    .setParameter("before", beforeSeq)
                    .setMaxResults(limit + 1)
                    .getResultList());
    boolean more = newestFirst.size() > limit;
    List<StoredMessage> page = new ArrayList<>(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
    Collections.reverse(page);
    return new Page(page, more);
  }

  /** Up to {@code limit} messages after {@code afterSeq}, ascending: what a reconnecting client missed. */
  public List<StoredMessage> after(String roomId, long afterSeq, int limit) {
    return tx.required(
        () ->
            em.createQuery(
                    "SELECT m FROM StoredMessage m WHERE m.roomId = :room AND m.seq > :after ORDER BY m.seq",
                    StoredMessage.class)
                .setParameter("room", roomId)
                .setParameter("after", afterSeq)
                .setMaxResults(limit)
                .getResultList());
  }

  /** The lowest sequence number still stored in a room, or 0 when the room holds none. */
  public long oldestSeq(String roomId) {
    Long min =
        tx.required(
            () ->
                em.createQuery("SELECT MIN(m.seq) FROM StoredMessage m WHERE m.roomId = :room", Long.class)
                    .setParameter("room", roomId)
                    .getSingleResult());
    return min == null ? 0 : min;
  }

  void purge(@Observes RoomDeleting event) {
    em.createQuery("DELETE FROM StoredMessage m WHERE m.roomId = :room")
        .setParameter("room", event.roomId())
        .executeUpdate();
  }

  private StoredMessage find(Participant sender, long counter) {
    List<StoredMessage> found =
        em.createQuery(
                "SELECT m FROM StoredMessage m WHERE m.roomId = :room AND m.senderId = :sender AND m.counter = :c",
                StoredMessage.class)
            .setParameter("room", sender.roomId())
            .setParameter("sender", sender.id())
            .setParameter("c", counter)
            .getResultList();
    return found.isEmpty() ? null : found.get(0);
  }

  /** One page of history. */
  public record Page(List<StoredMessage> messages, boolean hasMore) {}
}
