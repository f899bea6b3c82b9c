package org.userman.store.internal.changes;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Jdbi;
import org.userman.internal.Ticker;
import org.userman.store.Dialect;

/**
 * A write's wait, after its commit and before it is answered, until no other node may still trust
 * memory from before it: every node whose lease may be live and that has not yet reported the
 * write's count or more, and at most {@link LeaseTimes#WRITER_WAIT_NANOS} from the commit (then no
 * lease from before it is trusted). With no other node busy this is one round trip. Otherwise, on
 * PostgreSQL, the first check that finds a node behind also notifies the listening nodes, which
 * then read the count and report it at once; the checks go on every {@link #CHECK_NANOS}.
 */
final class WriterBarrier {
  static final long CHECK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final System.Logger LOG = System.getLogger(Changes.class.getName());

  private final ChangeSql sql;
  private final String nodeId;
  private final Ticker ticker;
  private volatile long lastFailureLogged;

  WriterBarrier(ChangeSql sql, String nodeId, Ticker ticker) {
    this.sql = sql;
    this.nodeId = nodeId;
    this.ticker = ticker;
    this.lastFailureLogged = ticker.read() - 2 * LOG_EVERY_NANOS;
  }

  /**
   * Waits for the other nodes to report {@code count}, from {@code committed} on the ticker; true
   * when they all have, false when the wait ran out or the leases could not be read.
   */
  boolean await(long count, long committed, Jdbi jdbi) {
    if (count < 0) {
      return true;
    }
    boolean told = sql.dialect != Dialect.POSTGRESQL;
    while (true) {
      long left = LeaseTimes.WRITER_WAIT_NANOS - (ticker.read() - committed);
      if (left <= 0) {
        return false;
      }
      try {
        boolean tell = !told;
        if (jdbi.withHandle(
            h -> {
              if (h.createQuery(sql.lagging).bind(0, nodeId).bind(1, count).mapTo(Long.class).one()
                  == 0) {
                return true;
              }
              if (tell) {
                // Wakes the lagging nodes' listeners, so that they read the count and report it
                // now.
                h.execute("NOTIFY " + ChangeSql.CHANNEL);
              }
              return false;
            })) {
          return true;
        }
        told = true;
      } catch (RuntimeException e) {
        long now = ticker.read();
        if (now - lastFailureLogged > LOG_EVERY_NANOS) {
          lastFailureLogged = now;
          LOG.log(
              System.Logger.Level.WARNING,
              "reading the other nodes' leases failed, so writes wait for any lease to lapse: "
                  + e.getMessage());
        }
        LockSupport.parkNanos(left);
        return false;
      }
      LockSupport.parkNanos(Math.min(left, CHECK_NANOS));
    }
  }
}
