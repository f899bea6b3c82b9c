package org.userman.store.internal.changes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import org.userman.internal.Ticker;

/**
 * SQLite: one node owns the file, and the command line is the other writer. SQLite's {@code PRAGMA
 * data_version}, asked on the watcher's own connection, changes when any other connection has
 * committed; a cached read asks it first, unless a read asked within the last {@link #FRESH_NANOS}.
 */
final class SqliteWatch implements Changes {
  /**
   * A command line's change is seen by every request that starts this long after its commit (its
   * process takes far longer to exit), and the requests within it share one ask.
   */
  static final long FRESH_NANOS = 200_000;

  /** While no request asks, the watcher asks this often: a lost connection is noticed. */
  private static final long IDLE_CHECK_MILLIS = 1_000;

  private static final System.Logger LOG = System.getLogger(Changes.class.getName());

  private final Ticker ticker;
  private final Generation generation = new Generation();
  private final WatchThread thread;
  private volatile boolean closed;

  /** The watch connection's statement (null while there is none) and its last answer. */
  private final ReentrantLock lock = new ReentrantLock();

  private PreparedStatement dataVersion;
  private long seen;

  /** When the last ask began, on the ticker. */
  private volatile long asked;

  SqliteWatch(String url, Properties connectionProperties, Ticker ticker) {
    this.ticker = ticker;
    this.asked = ticker.read() - FRESH_NANOS;
    this.thread =
        new WatchThread(
            "userman-changes",
            url,
            connectionProperties,
            this::poll,
            this::lost,
            () -> closed,
            "watching the database for changes failed, caches are off until it works again: ");
  }

  @Override
  public long generation() {
    if (!generation.watched()) {
      return UNWATCHED;
    }
    return current() ? generation.value() : UNWATCHED;
  }

  @Override
  public void start() {
    thread.start();
  }

  @Override
  public boolean startAndAwait(Duration timeout) {
    start();
    return generation.awaitWatched(timeout);
  }

  @Override
  public void written() {
    generation.next();
  }

  /** Forget everything cached, and stop caching until the watcher connects anew. */
  private void lost() {
    generation.unwatched();
    generation.next();
  }

  /**
   * Holds the watch connection's statement open for {@link #current()}, until it fails or closes.
   */
  private void poll(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("PRAGMA data_version")) {
      lock.lock();
      try {
        seen = read(s);
        dataVersion = s;
      } finally {
        lock.unlock();
      }
      generation.watchBegins();
      while (!closed && generation.watched()) {
        try {
          Thread.sleep(IDLE_CHECK_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
        current();
      }
    } finally {
      lock.lock();
      try {
        dataVersion = null;
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Asks SQLite whether another connection has committed since the last time, unless a request
   * asked less than {@link #FRESH_NANOS} ago. False when the watch connection is gone.
   */
  private boolean current() {
    long start = ticker.read();
    if (start - asked < FRESH_NANOS) {
      return true;
    }
    lock.lock();
    try {
      if (dataVersion == null) {
        return false;
      }
      asked = start;
      long now = read(dataVersion);
      if (now != seen) {
        seen = now;
        generation.next();
      }
      return true;
    } catch (SQLException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "reading SQLite's data_version failed, caches are off until it works again: "
              + e.getMessage());
      lost();
      return false;
    } finally {
      lock.unlock();
    }
  }

  private static long read(PreparedStatement s) throws SQLException {
    try (ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public void close() {
    closed = true;
    lost();
    thread.stop();
  }
}
