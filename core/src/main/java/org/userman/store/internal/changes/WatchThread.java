package org.userman.store.internal.changes;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/**
 * A daemon thread with a connection of its own, outside the pool, for one job of the change watch:
 * it connects, runs the job until the job returns or its connection fails, and connects anew a
 * second later, until its owner closes. Between connections nothing may rely on the job, which
 * {@code ended} says after each.
 */
final class WatchThread {
  /**
   * The job, on a fresh connection; it returns when closed, or throws when the connection fails.
   */
  interface Job {
    void run(Connection c) throws SQLException;
  }

  private static final long RETRY_MILLIS = 1_000;
  private static final System.Logger LOG = System.getLogger(Changes.class.getName());

  private final String name;
  private final String url;
  private final Properties properties;
  private final Job job;
  private final Runnable ended;
  private final BooleanSupplier closed;
  private final String failure;
  private volatile Connection connection;
  private Thread thread;

  /** {@code failure} begins the warning logged when a connection fails, before its message. */
  WatchThread(
      String name,
      String url,
      Properties properties,
      Job job,
      Runnable ended,
      BooleanSupplier closed,
      String failure) {
    this.name = name;
    this.url = url;
    this.properties = properties;
    this.job = job;
    this.ended = ended;
    this.closed = closed;
    this.failure = failure;
  }

  /**
   * Starts the thread, unless it runs or the owner closed; returns it (null if it never started).
   */
  synchronized Thread start() {
    if (thread == null && !closed.getAsBoolean()) {
      thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
    }
    return thread;
  }

  private void loop() {
    while (!closed.getAsBoolean()) {
      try (Connection c = DriverManager.getConnection(url, properties)) {
        connection = c;
        if (closed.getAsBoolean()) {
          // The owner closed while this connected, and may have looked for the connection before.
          break;
        }
        job.run(c);
      } catch (SQLException | RuntimeException e) {
        if (!closed.getAsBoolean()) {
          LOG.log(System.Logger.Level.WARNING, failure + e.getMessage());
        }
      } finally {
        connection = null;
        ended.run();
      }
      try {
        Thread.sleep(RETRY_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Aborts the connection in use, so that a job blocked reading from it ends now. */
  void abort() {
    Connection c = connection;
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException e) {
        // The job stops at the end of its wait instead.
      }
    }
  }

  /** After the owner closed: wakes the thread and waits (a while) for it to end. */
  void stop() {
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
