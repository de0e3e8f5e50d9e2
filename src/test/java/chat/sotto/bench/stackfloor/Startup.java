package chat.sotto.bench.stackfloor;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/** What Sotto's start does with the database and the timer service, at its least: a table, a row, a timer. */
@Singleton
@jakarta.ejb.Startup
public class Startup {
  @PersistenceContext(unitName = "stackfloor")
  private EntityManager entities;

  @Resource private TimerService timers;

  private volatile long notes;

  @PostConstruct
  @TransactionAttribute(TransactionAttributeType.REQUIRED)
  void start() {
    entities
        .createNativeQuery("CREATE TABLE IF NOT EXISTS stack_floor_notes (id BIGINT PRIMARY KEY, text VARCHAR(64))")
        .executeUpdate();
    entities.merge(new Note(1, "started"));
    timers.createIntervalTimer(60_000, 60_000, new TimerConfig(null, false));
  }

  @Timeout
  void sweep() {
    notes = entities.createQuery("SELECT COUNT(n) FROM Note n", Long.class).getSingleResult();
  }

  public String firstNote() {
    return entities.find(Note.class, 1L).text() + " " + notes;
  }
}
