package chat.sotto.common;

import jakarta.persistence.PersistenceException;
import java.sql.SQLException;

/** Classifies unexpected failures for the edges, without looking at their messages. */
public final class Failures {
  private Failures() {}

  /** True when the failure comes from the database being unreachable or failing (anywhere in the cause chain). */
  public static boolean fromDatabase(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException || t instanceof PersistenceException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
