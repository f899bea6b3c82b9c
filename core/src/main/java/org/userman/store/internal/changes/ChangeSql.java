package org.userman.store.internal.changes;

import org.userman.store.Dialect;

/** The statements of the change count and the leases, in the dialect of one server database. */
final class ChangeSql {
  /**
   * PostgreSQL: the channel a writer notifies once it has committed and found nodes that have not
   * reported its count yet.
   */
  static final String CHANNEL = "userman_changes";

  final Dialect dialect;
  final String count = "SELECT n FROM change_count WHERE id = 1";

  /**
   * This node's lease row: renewed (0 rows when it has none), enrolled, released; seen, then the
   * node's id.
   */
  final String renew;

  final String enrol;
  final String release = "DELETE FROM node_lease WHERE id = ?";
  final String deleteAbandoned;

  /** Writers: the count of other nodes that may trust memory from before a given count. */
  final String lagging;

  /**
   * Writers, right after the commit: as {@link #lagging}, before the count now (named parameter
   * {@code node}).
   */
  final String laggingNow;

  ChangeSql(Dialect dialect) {
    if (dialect == Dialect.SQLITE) {
      throw new IllegalArgumentException("SQLite has no change count");
    }
    this.dialect = dialect;
    this.renew =
        "UPDATE node_lease SET seen = ?, lease_until = "
            + databaseTimePlus(LeaseTimes.LEASE_MILLIS)
            + " WHERE id = ?";
    this.enrol =
        "INSERT INTO node_lease (seen, lease_until, id) VALUES (?, "
            + databaseTimePlus(LeaseTimes.LEASE_MILLIS)
            + ", ?)";
    this.deleteAbandoned =
        "DELETE FROM node_lease WHERE lease_until < "
            + databaseTimePlus(-LeaseTimes.ABANDONED_MILLIS);
    this.lagging =
        "SELECT COUNT(*) FROM node_lease WHERE id <> ? AND seen < ? AND lease_until > "
            + databaseTimePlus(-LeaseTimes.CLOCK_STEP_MILLIS);
    this.laggingNow =
        "SELECT COUNT(*) FROM node_lease WHERE id <> :node"
            + " AND seen < (SELECT n FROM change_count WHERE id = 1) AND lease_until > "
            + databaseTimePlus(-LeaseTimes.CLOCK_STEP_MILLIS);
  }

  /**
   * The database's time plus {@code millis} in SQL: with time zone on PostgreSQL, UTC on MariaDB.
   */
  private String databaseTimePlus(long millis) {
    return dialect == Dialect.POSTGRESQL
        ? "now() + interval '" + millis + " milliseconds'"
        : "UTC_TIMESTAMP(6) + INTERVAL " + millis * 1_000 + " MICROSECOND";
  }
}
