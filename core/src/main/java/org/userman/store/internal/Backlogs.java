package org.userman.store.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.userman.common.Backlog;

/** Reads the backlog of an outgoing queue from a row of {@code pending} and {@code oldest}. */
public final class Backlogs {
  private Backlogs() {}

  /**
   * {@code pending} a count, {@code oldest} the least queue time in epoch milliseconds, which is
   * null over no rows.
   */
  public static Backlog read(ResultSet rs) throws SQLException {
    long pending = rs.getLong("pending");
    long oldest = rs.getLong("oldest");
    // wasNull speaks of the column read last: the oldest
    return new Backlog(pending, rs.wasNull() ? null : Instant.ofEpochMilli(oldest));
  }
}
