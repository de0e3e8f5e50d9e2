package chat.sotto.message;

import chat.sotto.common.Transactions;
import chat.sotto.room.RoomDeleting;
import chat.sotto.room.RoomId;
import chat.sotto.session.SessionId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Reads stored chat envelopes back (history, replay); {@link MessageWriter} stores them. */
@ApplicationScoped
public class MessageStore {
  @PersistenceContext(unitName = "sotto")
  EntityManager em;

  @Inject Transactions tx;

  /**
   * The highest counter {@code senderId} used in a stored message of the room (0 if none is stored): with the
   * session's own record (kept when history is trimmed) it tells a reloaded page where to continue.
   */
  public long highestCounter(RoomId roomId, SessionId senderId) {
    Long max =
        tx.required(
            () ->
                em.createQuery(
                        "SELECT MAX(m.counter) FROM StoredMessage m WHERE m.roomId = :room AND m.senderId = :sender",
                        Long.class)
                    .setParameter("room", roomId.value())
                    .setParameter("sender", senderId.value())
                    .getSingleResult());
    return max == null ? 0 : max;
  }

  /** Up to {@code limit} messages before {@code beforeSeq} (or the newest), ascending. */
  public Page before(RoomId roomId, long beforeSeq, int limit) {
    List<StoredMessage> newestFirst =
        tx.required(
            () ->
                em.createQuery(
                        "SELECT m FROM StoredMessage m WHERE m.roomId = :room AND m.seq < :before ORDER BY m.seq DESC",
                        StoredMessage.class)
                    .setParameter("room", roomId.value())
                    .setParameter("before", beforeSeq)
                    .setMaxResults(limit + 1)
                    .getResultList());
    boolean more = newestFirst.size() > limit;
    List<StoredMessage> page = new ArrayList<>(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
    Collections.reverse(page);
    return new Page(page, more);
  }

  /** Up to {@code limit} messages after {@code afterSeq}, ascending: what a reconnecting client missed. */
  public List<StoredMessage> after(RoomId roomId, long afterSeq, int limit) {
    return tx.required(
        () ->
            em.createQuery(
                    "SELECT m FROM StoredMessage m WHERE m.roomId = :room AND m.seq > :after ORDER BY m.seq",
                    StoredMessage.class)
                .setParameter("room", roomId.value())
                .setParameter("after", afterSeq)
                .setMaxResults(limit)
                .getResultList());
  }

  /** The lowest sequence number still stored in a room, or 0 when the room holds none. */
  public long oldestSeq(RoomId roomId) {
    Long min =
        tx.required(
            () ->
                em.createQuery("SELECT MIN(m.seq) FROM StoredMessage m WHERE m.roomId = :room", Long.class)
                    .setParameter("room", roomId.value())
                    .getSingleResult());
    return min == null ? 0 : min;
  }

  void purge(@Observes RoomDeleting event) {
    em.createQuery("DELETE FROM StoredMessage m WHERE m.roomId = :room")
        .setParameter("room", event.roomId().value())
        .executeUpdate();
  }

  /** One page of history. */
  public record Page(List<StoredMessage> messages, boolean hasMore) {}
}
