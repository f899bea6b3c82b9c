package org.userman.store.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Reading the columns every store writes the same way. */
public final class Rows {
  private Rows() {}

  /** A time kept as epoch milliseconds in {@code column}; null for SQL NULL. */
  public static Instant instantOrNull(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }
}
