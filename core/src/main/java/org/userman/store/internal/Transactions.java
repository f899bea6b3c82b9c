package org.userman.store.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.internal.Ticker;
import org.userman.store.Dialect;
import org.userman.store.internal.changes.Changes;

/**
 * Runs the work of callers on the pool: writes in one transaction that commits before the caller
 * sees its result, so an answered request is a durable one, and that the other nodes have taken in
 * before it is answered (see {@link Changes}); reads on one connection. A database outage becomes
 * {@code unavailable}.
 */
final class Transactions {
  private final Jdbi jdbi;
  private final Changes changes;

  /**
   * SQLite's one writer, taken in Java before a transaction begins. Without it, transactions queue
   * for SQLite's write lock inside its native busy handler, and a virtual thread waiting in native
   * code holds its carrier: with as many waiters as cores the thread that holds the lock cannot run
   * to its commit, and sign-ins under load stalled for seconds. A Java lock parks the waiters
   * instead and lets the holder run; SQLite admits one writer anyway. Null on the server databases,
   * whose lock waits happen over the network and do not hold a carrier.
   */
  private final ReentrantLock sqliteWriter;

  private final Duration busyTimeout;
  private final Ticker ticker;
  private final Dialect dialect;

  Transactions(Jdbi jdbi, Dialect dialect, Duration busyTimeout, Changes changes, Ticker ticker) {
    this.jdbi = jdbi;
    this.ticker = ticker;
    this.changes = changes;
    this.busyTimeout = busyTimeout;
    this.dialect = dialect;
    this.sqliteWriter = dialect == Dialect.SQLITE ? new ReentrantLock(true) : null;
  }

  /** Runs {@code callback} in one transaction. */
  <R> R tx(HandleCallback<R, RuntimeException> callback) {
    return tx(callback, false);
  }

  /**
   * Runs {@code callback} in one transaction whose {@link Writes} are held until it returns, then
   * sent together (see {@link Writes}): the callback must not read back what it wrote through them.
   */
  <R> R batchedTx(HandleCallback<R, RuntimeException> callback) {
    return tx(callback, true);
  }

  private <R> R tx(HandleCallback<R, RuntimeException> callback, boolean batched) {
    if (sqliteWriter == null) {
      return inTransaction(callback, batched);
    }
    try {
      if (!sqliteWriter.tryLock(busyTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new UsermanException(ErrorCode.UNAVAILABLE, "The database is busy; try again.");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UsermanException(
          ErrorCode.UNAVAILABLE, "Interrupted while waiting for the database.");
    }
    try {
      return inTransaction(callback, batched);
    } finally {
      sqliteWriter.unlock();
    }
  }

  private <R> R inTransaction(HandleCallback<R, RuntimeException> callback, boolean batched) {
    long[] count = {-1};
    long[] behind = {-1};
    R result;
    try {
      result =
          jdbi.inTransaction(
              h -> {
                if (!batched) {
                  R r = callback.withHandle(h);
                  count[0] = changes.announce(h);
                  return r;
                }
                return Writes.holding(
                    h,
                    writes -> {
                      R r = callback.withHandle(h);
                      if (dialect == Dialect.POSTGRESQL) {
                        Writes.Sent sent =
                            writes.sendWithCommit(changes.announcement(), othersBehind(h));
                        count[0] = sent.last();
                        behind[0] = sent.afterCommit();
                      } else {
                        writes.sendEach();
                        count[0] = changes.announce(h);
                      }
                      return r;
                    });
              });
    } catch (RuntimeException e) {
      throw Outages.translate(e);
    } finally {
      changes.written();
    }
    // Answered only once no other node can serve what this changed from memory.
    changes.awaitOtherNodes(count[0], ticker.read(), jdbi, behind[0]);
    return result;
  }

  /** The change watch's look at the other nodes, to send right after the commit; or null. */
  private Writes.Write othersBehind(Handle h) {
    Changes.Statement s = changes.othersBehind();
    if (s == null) {
      return null;
    }
    Writes.Write w = Writes.update(h, s.sql());
    s.values().forEach(w::bind);
    return w;
  }

  /** Runs {@code callback} on one connection without an explicit transaction (reads). */
  <R> R read(HandleCallback<R, RuntimeException> callback) {
    try {
      return jdbi.withHandle(callback);
    } catch (RuntimeException e) {
      throw Outages.translate(e);
    }
  }
}
