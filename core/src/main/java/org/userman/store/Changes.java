package org.userman.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * What this node knows of writes to the database, so it can keep what every request reads (the
 * session check, API keys, users by id) in memory and still answer the next request after a
 * change with the changed data. The node's {@link #generation()} moves on after each of its own
 * write transactions commits, and when a watcher sees another writer commit:
 *
 * <ul>
 *   <li>SQLite: one node owns the file, and the command line is the other writer. A cached read
 *       first asks {@code PRAGMA data_version} on the watcher's own connection, which changes when
 *       any other connection commits, unless that was asked within the last 0.2 ms.
 *   <li>PostgreSQL, when the operator turns it on ({@code database.listen_for_changes}; off by
 *       default, since then a revocation reaches other nodes when their listener reads it, not
 *       strictly at their next request): every write transaction sends {@code NOTIFY userman_changes}, delivered at its
 *       commit; each node listens on its own connection. A node answers its own write only once its
 *       listener has read the notification back (at most {@value #PG_WAIT_MILLIS} ms), so by then
 *       PostgreSQL has handed it to every listening connection too; the other nodes apply it when
 *       their listener thread reads it. It is not a handshake with every node: a silent listener is
 *       noticed within {@value #PG_HEALTH_MILLIS} ms, and entries live 2 s at most.
 *   <li>MariaDB has no such signal, and PostgreSQL by default goes without: the generation is
 *       always {@link #UNWATCHED} and nothing is cached.
 * </ul>
 *
 * While a watcher is not running (starting, or its connection lost and noticed) the generation is
 * {@link #UNWATCHED}, and readers go to the database.
 */
public final class Changes implements AutoCloseable {
  /** The generation while another writer's changes could go unseen: do not use a cache. */
  public static final long UNWATCHED = -1;

  static final String CHANNEL = "userman_changes";
  private static final long SQLITE_IDLE_CHECK_MILLIS = 1_000;
  private static final long SQLITE_FRESH_NANOS = 200_000;
  private static final long PG_WAIT_MILLIS = 500;
  private static final long PG_HEALTH_MILLIS = 5_000;
  private static final long RETRY_MILLIS = 1_000;
  private static final System.Logger LOG = System.getLogger(Changes.class.getName());

  private final Dialect dialect;
  /** Whether this database is watched: SQLite always, PostgreSQL when the operator chose it. */
  private final boolean listens;
  private final String url;
  private final Properties connectionProperties;
  private final AtomicLong generation = new AtomicLong();
  private final String node = UUID.randomUUID().toString().replace("-", "");
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, CompletableFuture<Void>> echoes = new ConcurrentHashMap<>();
  private volatile boolean watching;
  /** SQLite: the watch connection's statement (null while there is none) and the last answer. */
  private final ReentrantLock sqliteLock = new ReentrantLock();
  private PreparedStatement sqliteVersion;
  private long sqliteSeen;
  /** When the last ask began ({@link System#nanoTime()}). */
  private volatile long sqliteAsked = System.nanoTime() - SQLITE_FRESH_NANOS;
  private volatile boolean closed;
  private Thread watcher;

  Changes(Dialect dialect, String url, Properties connectionProperties, boolean listenOnPostgres) {
    this.dialect = dialect;
    this.listens = dialect == Dialect.SQLITE || (dialect == Dialect.POSTGRESQL && listenOnPostgres);
    this.url = url;
    this.connectionProperties = connectionProperties;
  }

  /** The current generation, or {@link #UNWATCHED}. */
  public long generation() {
    if (!watching || (dialect == Dialect.SQLITE && !sqliteCurrent())) {
      return UNWATCHED;
    }
    return generation.get();
  }

  /**
   * Starts the watcher, as a serving node does at start-up (and the command line on PostgreSQL,
   * see {@link #startAndAwait}). Until then nothing is cached.
   */
  public synchronized void start() {
    if (watcher != null || closed || !listens) {
      return;
    }
    watcher = Thread.ofPlatform().daemon().name("userman-changes").start(this::watch);
  }

  /**
   * Starts the watcher and waits (at most {@code timeout}) until it runs; whether it does. On
   * PostgreSQL the command line does this before it writes, so that its writes, like a node's,
   * are answered only once their notification has come back.
   */
  public boolean startAndAwait(Duration timeout) {
    start();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!watching && System.nanoTime() < deadline && listens) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return watching;
  }

  /** Whether caches are in use: the watcher runs and sees other writers. */
  public boolean watching() {
    return watching;
  }

  /** A write transaction of this node, between its start and its end. */
  final class Write {
    private final String payload;
    private final CompletableFuture<Void> echo;
    private final boolean listened = watching;

    private Write(String payload, CompletableFuture<Void> echo) {
      this.payload = payload;
      this.echo = echo;
    }

    /** Inside the transaction: tells the other nodes, at commit, that something changed. */
    void announce(Handle h) {
      if (payload != null) {
        h.execute("NOTIFY " + CHANNEL + ", '" + payload + "'");
      }
    }

    /**
     * After the transaction: this node's readers see the change from now on; after a commit on
     * PostgreSQL, waits (boundedly) until the notification has come back through this node's own
     * listener.
     */
    void end(boolean committed) {
      generation.incrementAndGet();
      if (echo == null) {
        return;
      }
      try {
        // Only a listener that was up before the notification went out can receive it.
        if (committed && listened && watching) {
          echo.get(PG_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
      } catch (TimeoutException e) {
        LOG.log(System.Logger.Level.WARNING, "a change notification did not come back within " + PG_WAIT_MILLIS + " ms; reconnecting the listener");
        lost();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      } finally {
        echoes.remove(payload);
      }
    }
  }

  Write begin() {
    if (dialect != Dialect.POSTGRESQL || !listens) {
      return new Write(null, null);
    }
    String payload = node + ":" + sequence.incrementAndGet();
    CompletableFuture<Void> echo = new CompletableFuture<>();
    echoes.put(payload, echo);
    return new Write(payload, echo);
  }

  /**
   * Forget everything cached, and stop caching until the watcher runs again (its loop ends and it
   * connects anew).
   */
  private void lost() {
    watching = false;
    generation.incrementAndGet();
  }

  private void watch() {
    while (!closed) {
      try (Connection c = DriverManager.getConnection(url, connectionProperties)) {
        if (dialect == Dialect.SQLITE) {
          pollSqlite(c);
        } else {
          listenPostgres(c);
        }
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          LOG.log(System.Logger.Level.WARNING, "watching the database for changes failed, caches are off until it works again: " + e.getMessage());
        }
      } finally {
        lost();
      }
      pause(RETRY_MILLIS);
    }
  }

  /** Holds the watch connection's statement open for {@link #sqliteCurrent()}, until it fails or closes. */
  private void pollSqlite(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("PRAGMA data_version")) {
      sqliteLock.lock();
      try {
        sqliteSeen = dataVersion(s);
        sqliteVersion = s;
      } finally {
        sqliteLock.unlock();
      }
      generation.incrementAndGet();
      watching = true;
      while (!closed && watching) {
        pause(SQLITE_IDLE_CHECK_MILLIS);
        sqliteCurrent();
      }
    } finally {
      sqliteLock.lock();
      try {
        sqliteVersion = null;
      } finally {
        sqliteLock.unlock();
      }
    }
  }

  /**
   * Asks SQLite whether another connection has committed since the last time, unless a request
   * asked less than {@link #SQLITE_FRESH_NANOS} ago: a command line's change is seen by every
   * request that starts 0.2 ms after its commit (its process takes far longer to exit). One ask
   * costs about 2 µs; at tens of thousands of requests a second most share one. False when the
   * watch connection is gone.
   */
  private boolean sqliteCurrent() {
    long start = System.nanoTime();
    if (start - sqliteAsked < SQLITE_FRESH_NANOS) {
      return true;
    }
    sqliteLock.lock();
    try {
      if (sqliteVersion == null) {
        return false;
      }
      sqliteAsked = start;
      long now = dataVersion(sqliteVersion);
      if (now != sqliteSeen) {
        sqliteSeen = now;
        generation.incrementAndGet();
      }
      return true;
    } catch (SQLException e) {
      LOG.log(System.Logger.Level.WARNING, "reading SQLite's data_version failed, caches are off until it works again: " + e.getMessage());
      lost();
      return false;
    } finally {
      sqliteLock.unlock();
    }
  }

  private static long dataVersion(PreparedStatement s) throws SQLException {
    try (ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void listenPostgres(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + CHANNEL);
      // Whatever was cached before LISTEN took effect may have missed a notification.
      generation.incrementAndGet();
      watching = true;
      long checked = System.nanoTime();
      while (!closed && watching) {
        PGNotification[] notes = pg.getNotifications((int) PG_WAIT_MILLIS);
        if (notes != null && notes.length > 0) {
          generation.incrementAndGet();
          for (PGNotification n : notes) {
            CompletableFuture<Void> echo = echoes.get(n.getParameter());
            if (echo != null) {
              echo.complete(null);
            }
          }
        }
        // A connection cut without a word would stop the notifications silently: ask now and then.
        if (System.nanoTime() - checked > TimeUnit.MILLISECONDS.toNanos(PG_HEALTH_MILLIS)) {
          s.execute("SELECT 1");
          checked = System.nanoTime();
        }
      }
    }
  }

  private void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      closed = true;
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = watcher;
    }
    lost();
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
