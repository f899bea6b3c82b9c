package org.userman.store.internal.changes;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL: listens, on a connection of its own, for the notices of writers that wait for nodes'
 * reports, and while this node has a lease row wakes the watcher to read the count and report it;
 * until the owner closes. Should the connection fail, a busy node reads the count every millisecond
 * meanwhile.
 */
final class NotificationListener {
  /** How long it waits for a notice at a time: it looks whether it should stop between waits. */
  private static final int WAIT_MILLIS = 1_000;

  private final Lease lease;
  private final Rounds rounds;
  private final BooleanSupplier closed;
  private final WatchThread thread;
  private final AtomicLong heard = new AtomicLong();
  private volatile boolean listening;

  NotificationListener(
      String url,
      Properties connectionProperties,
      Lease lease,
      Rounds rounds,
      BooleanSupplier closed) {
    this.lease = lease;
    this.rounds = rounds;
    this.closed = closed;
    Properties p = new Properties();
    p.putAll(connectionProperties);
    p.setProperty("ApplicationName", "userman-listen");
    this.thread =
        new WatchThread(
            "userman-listen",
            url,
            p,
            this::listen,
            () -> listening = false,
            closed,
            "listening for changes failed, a busy node reads the change count every millisecond until it works again: ");
  }

  void start() {
    thread.start();
  }

  /** Whether it listens now. */
  boolean listening() {
    return listening;
  }

  /** How many notices it has heard. */
  long heard() {
    return heard.get();
  }

  private void listen(Connection c) throws SQLException {
    c.setAutoCommit(true);
    try (Statement st = c.createStatement()) {
      st.execute("LISTEN " + ChangeSql.CHANNEL);
    }
    PGConnection pg = c.unwrap(PGConnection.class);
    listening = true;
    while (!closed.getAsBoolean()) {
      PGNotification[] notes = pg.getNotifications(WAIT_MILLIS);
      if (notes != null && notes.length > 0) {
        heard.addAndGet(notes.length);
        if (lease.hasRow()) {
          rounds.want();
        }
      }
    }
  }

  /** After the owner closed: ends the wait for a notice now, instead of at the end of it. */
  void abortWait() {
    thread.abort();
  }

  /** After the owner closed: waits (a while) for the thread to end. */
  void stop() {
    thread.stop();
  }
}
