package org.userman.store.internal.changes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.userman.internal.Ticker;

/**
 * The watcher's work on one connection of its own: reads the change count in round trips while
 * readers ask for them (and every {@link #IDLE_ROUND_NANOS} when none does), and while the node is
 * busy every millisecond or so (while the listener listens: when a writer's notice comes, and at
 * each renewal), after renewing this node's lease when due (see {@link LeaseTimes}); until the
 * connection fails or the owner closes. A node that falls quiet releases its lease once it has run
 * out.
 */
final class CountWatch implements AutoCloseable {
  /** A round trip at least this often while no request asks: a silent connection is noticed. */
  static final long IDLE_ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** From {@link #plan()}: a round is wanted now, with no pause. */
  static final long NOW = -1;

  private final String nodeId;
  private final Demand demand;
  private final Rounds rounds;
  private final Lease lease;
  private final Generation generation;

  /**
   * Whether the listener listens now: then a busy node waits for notices instead of reading every
   * millisecond.
   */
  private final BooleanSupplier listening;

  private final Ticker ticker;
  private final PreparedStatement count;
  private final PreparedStatement renew;
  private final PreparedStatement enrol;
  private final PreparedStatement release;
  private final Statement plain;
  private final ChangeSql sql;

  /**
   * The count this node has taken in, and whether and when it last reported one in its lease row.
   */
  private long seen;

  private boolean enrolled;
  private long reported = -1;
  private long renewed;

  CountWatch(
      Connection c,
      ChangeSql sql,
      String nodeId,
      Demand demand,
      Rounds rounds,
      Lease lease,
      Generation generation,
      BooleanSupplier listening,
      Ticker ticker)
      throws SQLException {
    this.sql = sql;
    this.nodeId = nodeId;
    this.demand = demand;
    this.rounds = rounds;
    this.lease = lease;
    this.generation = generation;
    this.listening = listening;
    this.ticker = ticker;
    c.setAutoCommit(true);
    this.count = c.prepareStatement(sql.count);
    this.renew = c.prepareStatement(sql.renew);
    this.enrol = c.prepareStatement(sql.enrol);
    this.release = c.prepareStatement(sql.release);
    this.plain = c.createStatement();
  }

  /** Watches until {@code closed} says so, or throws when the connection fails. */
  void run(BooleanSupplier closed) throws SQLException {
    try {
      begin();
      try {
        while (!closed.getAsBoolean()) {
          long pause = plan();
          if (pause != NOW) {
            LockSupport.parkNanos(pause);
            rounds.takeWanted();
          }
          round();
        }
      } finally {
        end(closed.getAsBoolean());
      }
    } finally {
      // Not watched first: a reader that takes the new round then sees it, and does not wait.
      generation.unwatched();
      rounds.endWaits();
    }
  }

  /** Deletes abandoned rows and takes in the count: from now on the node's memory is watched. */
  void begin() throws SQLException {
    // Rows of nodes that ended without releasing theirs.
    plain.executeUpdate(sql.deleteAbandoned);
    seen = count();
    // Whatever was cached before the first count may have missed a change.
    generation.watchBegins();
    demand.begin(ticker.read());
  }

  /**
   * How long to pause before the next round, or {@link #NOW} when one is wanted already. Busy and
   * listening: until the renewal is due, or a writer's notice comes. Idle with a lease still
   * trusted: until it lapses, to release it.
   */
  long plan() {
    long now = ticker.read();
    boolean busy = demand.judge(now);
    if (rounds.takeWanted()) {
      return NOW;
    }
    if (busy) {
      return listening.getAsBoolean() && enrolled
          ? Math.max(0, renewed + LeaseTimes.RENEW_NANOS - now)
          : LeaseTimes.CYCLE_PAUSE_NANOS;
    }
    return enrolled ? Math.max(0, lease.trustedUntil() - now) + 1 : IDLE_ROUND_NANOS;
  }

  /** One round: renews the lease when due (or releases it once quiet), then reads the count. */
  void round() throws SQLException {
    long now = ticker.read();
    boolean busy = demand.busy(now);
    boolean renewing =
        busy && (!enrolled || seen != reported || now - renewed >= LeaseTimes.RENEW_NANOS);
    if (renewing) {
      // The count this node has taken in (its memory emptied if it moved), then its lease; the
      // count read below follows it. Writers wait for the report, so it goes at once. From the
      // row on, what the listener hears wakes this thread.
      lease.row(true);
      if (update(renew, seen) == 0) {
        update(enrol, seen);
      }
      enrolled = true;
      reported = seen;
      renewed = now;
    } else if (!busy && enrolled && !lease.trusted(now)) {
      release();
    }
    CompletableFuture<Boolean> round = rounds.begin();
    long began = ticker.read();
    boolean done = false;
    try {
      long n = count();
      if (n != seen) {
        seen = n;
        generation.next();
        if (busy) {
          // Report it at once: a writer on another node may be waiting for it.
          rounds.again();
        }
      }
      rounds.succeeded(began);
      if (renewing) {
        lease.trustUntil(renewed + LeaseTimes.TRUST_NANOS);
      }
      done = true;
    } finally {
      round.complete(done);
    }
  }

  /** As the watch ends: the lease is trusted no more, and released when the node closes. */
  void end(boolean closed) throws SQLException {
    lease.distrust(ticker.read());
    lease.row(false);
    if (enrolled && closed) {
      release();
    }
  }

  private void release() throws SQLException {
    release.setString(1, nodeId);
    release.executeUpdate();
    enrolled = false;
    lease.row(false);
  }

  private int update(PreparedStatement s, long seen) throws SQLException {
    s.setLong(1, seen);
    s.setString(2, nodeId);
    return s.executeUpdate();
  }

  private long count() throws SQLException {
    try (ResultSet rs = count.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("the table change_count has lost its row");
      }
      return rs.getLong(1);
    }
  }

  @Override
  @SuppressWarnings("try") // the resources are only closed here
  public void close() throws SQLException {
    try (count;
        renew;
        enrol;
        release;
        plain) {
      // each is closed, whatever the others do
    }
  }
}
