package org.userman.store.internal;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;

/**
 * Tells a database that cannot be reached from a statement that failed: callers answer the first
 * with {@code unavailable} (503, try again) and let the second surface as the bug or conflict it
 * is.
 */
final class Outages {
  private Outages() {}

  /** A database outage becomes {@code unavailable}; anything else is returned as it is. */
  static RuntimeException translate(RuntimeException e) {
    if (e instanceof UsermanException) {
      return e;
    }
    return isOutage(e)
        ? new UsermanException(ErrorCode.UNAVAILABLE, "The database is unavailable.")
        : e;
  }

  /**
   * Whether {@code e} says the database could not be reached (rather than that a statement failed).
   */
  static boolean isOutage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException
          || t instanceof SocketException
          || t instanceof SocketTimeoutException
          || (t instanceof SQLException sql
              && sql.getSQLState() != null
              && sql.getSQLState().startsWith("08"))) {
        return true;
      }
    }
    return false;
  }
}
