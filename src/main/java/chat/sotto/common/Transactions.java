package chat.sotto.common;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.UserTransaction;
import java.util.function.Supplier;

/**
 * Runs work in a JTA transaction, joining one that is already active. Refusals are expected outcomes: they roll the
 * transaction back and reach the caller as they are, without passing through the container's transaction
 * interceptor (which would record each one as a server incident).
 */
@ApplicationScoped
public class Transactions {
  @Resource UserTransaction transaction;

  public <T> T required(Supplier<T> work) {
    try {
      if (transaction.getStatus() == Status.STATUS_ACTIVE) {
        return work.get();
      }
      transaction.begin();
    } catch (SystemException | NotSupportedException e) {
      throw new PersistenceException("cannot start a transaction", e);
    }
    boolean committed = false;
    try {
      T result = work.get();
      transaction.commit();
      committed = true;
      return result;
    } catch (RollbackException | HeuristicMixedException | HeuristicRollbackException | SystemException e) {
      throw new PersistenceException("the transaction did not commit", e);
    } finally {
      if (!committed) {
        rollbackQuietly();
      }
    }
  }

  public void required(Runnable work) {
    required(
        () -> {
          work.run();
          return null;
        });
  }

  private void rollbackQuietly() {
    try {
      if (transaction.getStatus() != Status.STATUS_NO_TRANSACTION) {
        transaction.rollback();
      }
    } catch (SystemException | IllegalStateException e) {
      // nothing left to roll back
    }
  }
}
