package org.userman.store.internal.changes;

import java.util.concurrent.TimeUnit;

/**
 * The times of the lease protocol on a server database, which hold only together.
 *
 * <p>A busy node ({@link Demand}) reads the count every {@link #CYCLE_PAUSE_NANOS} or so (on
 * PostgreSQL, while it listens: when a writer waiting for it notifies, and at each renewal), and
 * before such a read renews its row of {@code node_lease} when the count it has taken in moved
 * (right after the read that saw it move), and at least every {@link #RENEW_NANOS}. The renewal
 * (its own autocommit statement) sets the row's lease to the database's time plus {@link
 * #LEASE_MILLIS} and reports the count the node had taken in by then; the count read that follows
 * (a fresh snapshot, begun after the renewal committed) empties the node's memory if the count
 * moved, and from then on the node trusts its memory without a round trip until {@link
 * #TRUST_NANOS} after it sent the renewal ({@link CountWatch}). A writer, after its commit, waits
 * until every other node with a lease that may be live reports its count or more, and never longer
 * than {@link #WRITER_WAIT_NANOS} ({@link WriterBarrier}): a lease trusted past that was renewed
 * after the commit, so the count read that followed it saw the write. How often a node reads the
 * count sets how long writers wait, never what they see.
 *
 * <p>The lease is set in the database's time and trusted on the node's own ticker, each within
 * itself; a lease counts as possibly live to writers until {@link #CLOCK_STEP_MILLIS} after it ran
 * out, in case the database server's clock steps forward.
 */
final class LeaseTimes {
  private LeaseTimes() {}

  static final long LEASE_MILLIS = 100;
  static final long TRUST_NANOS = TimeUnit.MILLISECONDS.toNanos(75);
  static final long WRITER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(110);
  static final long CYCLE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** A busy node renews when the count it has taken in moved, and at least this often. */
  static final long RENEW_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  static final long CLOCK_STEP_MILLIS = 1_000;

  /**
   * Rows this old are of nodes that ended without releasing theirs; a watcher that connects deletes
   * them.
   */
  static final long ABANDONED_MILLIS = TimeUnit.HOURS.toMillis(1);
}
