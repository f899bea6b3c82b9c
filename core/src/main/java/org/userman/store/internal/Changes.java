package org.userman.store.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.userman.store.Dialect;
import org.userman.store.Storage;

/**
 * What this node knows of writes to the database, so it can keep what every request reads (the
 * session check, API keys, users by id) in memory and still answer the next request after a change
 * with the changed data. The node's {@link #generation()} moves on after each of its own write
 * transactions commits, and when a watcher sees another writer commit:
 *
 * <ul>
 *   <li>SQLite: one node owns the file, and the command line is the other writer. A cached read
 *       first asks {@code PRAGMA data_version} on the watcher's own connection, which changes when
 *       any other connection commits, unless that was asked within the last 0.2 ms.
 *   <li>PostgreSQL and MariaDB ({@code database.listen_for_changes}, on by default): every write
 *       transaction counts up the one row of {@code change_count} as its last statement, so the
 *       count has moved by the time any writer is told of its commit. Before a cached read, the
 *       node reads the count on a connection of its own, in a round trip begun after the read was
 *       asked for: every write answered before the request came in has then been counted, and a
 *       count that moved ends what the node holds. A revocation on any node therefore holds on
 *       every node at its next request, as on one. Requests that ask while a round trip is under
 *       way share the next one, so under load one round trip serves many. (The row is a point of
 *       contention: write transactions commit one after another, each holding it briefly.)
 *   <li>While requests keep coming, a node holds a lease instead, and its cached reads make no
 *       round trip at all: see {@link #LEASE_MILLIS}. On PostgreSQL such a node also listens on a
 *       second connection of its own for writers that wait for its report, and reads the count when
 *       it hears one, instead of every millisecond.
 *   <li>With the setting off, on PostgreSQL or MariaDB, the generation is always {@link #UNWATCHED}
 *       and nothing is cached.
 * </ul>
 *
 * While a watcher is not running (starting, or its connection lost and noticed) the generation is
 * {@link #UNWATCHED}, and readers go to the database.
 */
public final class Changes implements AutoCloseable {
  /** The generation while another writer's changes could go unseen: do not use a cache. */
  public static final long UNWATCHED = -1;

  private static final long SQLITE_IDLE_CHECK_MILLIS = 1_000;
  private static final long SQLITE_FRESH_NANOS = 200_000;

  /** A round trip at least this often while no request asks: a silent connection is noticed. */
  private static final long IDLE_ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private static final long RETRY_MILLIS = 1_000;

  /**
   * Leases, on a server database. A busy node (cached reads in at least {@link #BUSY_NOTES} of the
   * 10 ms slots of the last {@link #BUSY_WINDOW_NANOS}, and one within {@link #QUIET_NANOS}) reads
   * the count every {@link #CYCLE_PAUSE_NANOS} or so (on PostgreSQL, while it listens: when a
   * writer waiting for it notifies, and at each renewal), and before such a read renews its row of
   * {@code node_lease} when the count it has taken in moved (right after the read that saw it
   * move), and at least every {@link #RENEW_NANOS}. The renewal (its own autocommit statement) sets
   * the row's lease to the database's time plus {@link #LEASE_MILLIS} and reports the count the
   * node had taken in by then; the count read that follows (a fresh snapshot, begun after the
   * renewal committed) empties the node's memory if the count moved, and from then on the node
   * trusts its memory without a round trip until {@link #LEASE_TRUST_NANOS} after it sent the
   * renewal. A writer, after its commit, waits until every other node with a lease that may be live
   * reports its count or more ({@link #awaitOtherNodes}), and never longer than {@link
   * #WRITER_WAIT_NANOS}: a lease trusted past that was renewed after the commit, so the count read
   * that followed it saw the write. How often a node reads the count sets how long writers wait,
   * never what they see.
   */
  private static final long LEASE_MILLIS = 100;

  private static final long LEASE_TRUST_NANOS = TimeUnit.MILLISECONDS.toNanos(75);
  private static final long WRITER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(110);
  private static final long CYCLE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** A busy node renews when the count it has taken in moved, and at least this often. */
  private static final long RENEW_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  /**
   * Below that a node makes a round trip for each request, or a few: a trickle of requests is not
   * worth a thousand statements a second.
   */
  private static final long BUSY_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private static final int BUSY_NOTES = 12;
  private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Readers note that they asked at most this often (a shared write is not free). */
  private static final long DEMAND_NOTE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static final long WRITER_CHECK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

  /**
   * PostgreSQL: the channel a writer notifies once it has committed and found nodes that have not
   * reported its count yet, and how long the listener waits for a notification at a time (it looks
   * whether it should stop between waits; {@link #close} also aborts its connection).
   */
  private static final String CHANNEL = "userman_changes";

  private static final int LISTEN_WAIT_MILLIS = 1_000;
  private static final System.Logger LOG = System.getLogger(Changes.class.getName());

  private final Dialect dialect;

  /**
   * Whether this database is watched: SQLite always, the server databases unless the operator says
   * no.
   */
  private final boolean listens;

  private final String url;
  private final Properties connectionProperties;
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean watching;

  /** SQLite: the watch connection's statement (null while there is none) and the last answer. */
  private final ReentrantLock sqliteLock = new ReentrantLock();

  private PreparedStatement sqliteVersion;
  private long sqliteSeen;

  /** When the last ask began ({@link System#nanoTime()}). */
  private volatile long sqliteAsked = System.nanoTime() - SQLITE_FRESH_NANOS;

  /**
   * Server databases: the outcome of the next round trip to begin (whether the count is known). The
   * watcher swaps in a new one as it begins a round trip, so a reader that took this one is
   * answered by a round trip begun after it asked.
   */
  private final AtomicReference<CompletableFuture<Boolean>> nextRound =
      new AtomicReference<>(new CompletableFuture<>());

  private final AtomicBoolean roundWanted = new AtomicBoolean();

  /** When the latest round trip that succeeded began ({@link System#nanoTime()}). */
  private volatile long lastRoundBegan = System.nanoTime();

  /** When the request this thread serves began, while it serves one ({@link #request()}). */
  private final ThreadLocal<Long> requestBegan = new ThreadLocal<>();

  /**
   * This node's row of {@code node_lease}, and until when it trusts its memory ({@link
   * System#nanoTime()}).
   */
  private final String nodeId = UUID.randomUUID().toString();

  private volatile long trustedUntil = System.nanoTime();

  /**
   * When a cached read last asked ({@link System#nanoTime()}, to within {@link
   * #DEMAND_NOTE_NANOS}), and how many times that was noted since the watcher last looked.
   */
  private volatile long lastDemand = System.nanoTime() - QUIET_NANOS;

  private final AtomicInteger demandNotes = new AtomicInteger();

  /** Writers: the count of other nodes that may trust memory from before a given count. */
  private final String laggingSql;

  private volatile long lastCheckFailureLogged = System.nanoTime() - TimeUnit.MINUTES.toNanos(2);
  private volatile boolean closed;
  private volatile Thread watcher;

  /**
   * PostgreSQL: the listener thread and its connection, whether it listens now, whether this node
   * has a row in {@code node_lease} (then what it hears wakes the watcher), and how many
   * notifications it has heard.
   */
  private volatile Thread listener;

  private volatile Connection listenConnection;
  private volatile boolean listening;
  private volatile boolean leaseRow;
  private final AtomicLong heard = new AtomicLong();

  Changes(
      Dialect dialect,
      String url,
      Properties connectionProperties,
      boolean listenOnServerDatabase) {
    this.dialect = dialect;
    this.listens = dialect == Dialect.SQLITE || listenOnServerDatabase;
    this.url = url;
    this.connectionProperties = connectionProperties;
    this.laggingSql =
        "SELECT COUNT(*) FROM node_lease WHERE id <> ? AND seen < ? AND lease_until > "
            + databaseTimePlus(-1_000);
  }

  /**
   * The database's time plus {@code millis} in SQL: with time zone on PostgreSQL, UTC on MariaDB.
   */
  private String databaseTimePlus(long millis) {
    return dialect == Dialect.POSTGRESQL
        ? "now() + interval '" + millis + " milliseconds'"
        : "UTC_TIMESTAMP(6) + INTERVAL " + millis * 1_000 + " MICROSECOND";
  }

  /**
   * The current generation, or {@link #UNWATCHED}. On SQLite this may ask SQLite; on a server
   * database it waits for a round trip to it (shared with the requests that ask meanwhile, and with
   * the rest of this thread's request): whatever another writer had committed when the call, or the
   * request, began is seen.
   */
  public long generation() {
    if (!watching) {
      return UNWATCHED;
    }
    boolean current = dialect == Dialect.SQLITE ? sqliteCurrent() : countCurrent();
    return current ? generation.get() : UNWATCHED;
  }

  /** Starts the watcher, as a serving node does at start-up. Until then nothing is cached. */
  public synchronized void start() {
    if (watcher != null || closed || !listens) {
      return;
    }
    watcher = Thread.ofPlatform().daemon().name("userman-changes").start(this::watch);
    if (dialect == Dialect.POSTGRESQL) {
      listener = Thread.ofPlatform().daemon().name("userman-listen").start(this::listen);
    }
  }

  /** Starts the watcher and waits (at most {@code timeout}) until it runs; whether it does. */
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

  /**
   * Marks the start of a request on this thread, until the returned span closes. Its reads need
   * only see what was committed before the request began, so on a server database they share one
   * round trip begun since then (the session check and the caller's user, say), instead of one
   * each.
   */
  public Storage.RequestScope request() {
    requestBegan.set(System.nanoTime());
    return requestBegan::remove;
  }

  /** Whether caches are in use: the watcher runs and sees other writers. */
  public boolean watching() {
    return watching;
  }

  /**
   * Inside a write transaction, as its last statement: counts the write, for the nodes on a server
   * database (also from a process that does not watch, such as the command line), and returns the
   * count it set, or -1 where nothing counts. The row stays locked until the commit, so it is taken
   * last, when the transaction holds all else it needs.
   */
  long announce(Handle h) {
    if (dialect == Dialect.SQLITE || !listens) {
      return -1;
    }
    if (dialect == Dialect.POSTGRESQL) {
      return h.createQuery("UPDATE change_count SET n = n + 1 WHERE id = 1 RETURNING n")
          .mapTo(Long.class)
          .one();
    }
    h.execute("UPDATE change_count SET n = n + 1 WHERE id = 1");
    return h.createQuery("SELECT n FROM change_count WHERE id = 1").mapTo(Long.class).one();
  }

  /**
   * After a write transaction that set the count to {@code count} committed, before it is answered:
   * waits until no other node may still trust memory from before it. That is every node whose lease
   * may be live and that has not yet reported {@code count} or more, and at most {@link
   * #WRITER_WAIT_NANOS} from the commit (then no lease from before it is trusted). With no other
   * node busy this is one round trip. Otherwise, on PostgreSQL, the first check that finds a node
   * behind also notifies the listening nodes, which then read the count and report it at once; the
   * checks go on every {@link #WRITER_CHECK_NANOS}. {@code committed} is when the commit returned
   * ({@link System#nanoTime()}); {@code jdbi} gives a connection for the checks.
   */
  void awaitOtherNodes(long count, long committed, Jdbi jdbi) {
    if (count < 0) {
      return;
    }
    boolean told = dialect != Dialect.POSTGRESQL;
    while (true) {
      long left = WRITER_WAIT_NANOS - (System.nanoTime() - committed);
      if (left <= 0) {
        return;
      }
      try {
        boolean tell = !told;
        if (jdbi.withHandle(
            h -> {
              if (h.createQuery(laggingSql).bind(0, nodeId).bind(1, count).mapTo(Long.class).one()
                  == 0) {
                return true;
              }
              if (tell) {
                // Wakes the lagging nodes' listeners, so that they read the count and report it
                // now.
                h.execute("NOTIFY " + CHANNEL);
              }
              return false;
            })) {
          return;
        }
        told = true;
      } catch (RuntimeException e) {
        long now = System.nanoTime();
        if (now - lastCheckFailureLogged > TimeUnit.MINUTES.toNanos(1)) {
          lastCheckFailureLogged = now;
          LOG.log(
              System.Logger.Level.WARNING,
              "reading the other nodes' leases failed, so writes wait for any lease to lapse: "
                  + e.getMessage());
        }
        LockSupport.parkNanos(left);
        return;
      }
      LockSupport.parkNanos(Math.min(left, WRITER_CHECK_NANOS));
    }
  }

  /**
   * After a write transaction, committed or not: this node's readers see the change from now on.
   */
  void written() {
    generation.incrementAndGet();
  }

  /**
   * Forget everything cached, and stop caching until the watcher runs again (its loop ends and it
   * connects anew).
   */
  private void lost() {
    watching = false;
    trustedUntil = System.nanoTime();
    generation.incrementAndGet();
  }

  private void watch() {
    while (!closed) {
      try (Connection c = DriverManager.getConnection(url, connectionProperties)) {
        if (dialect == Dialect.SQLITE) {
          pollSqlite(c);
        } else {
          watchCount(c);
        }
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          LOG.log(
              System.Logger.Level.WARNING,
              "watching the database for changes failed, caches are off until it works again: "
                  + e.getMessage());
        }
      } finally {
        lost();
      }
      pause(RETRY_MILLIS);
    }
  }

  /**
   * Holds the watch connection's statement open for {@link #sqliteCurrent()}, until it fails or
   * closes.
   */
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
      LOG.log(
          System.Logger.Level.WARNING,
          "reading SQLite's data_version failed, caches are off until it works again: "
              + e.getMessage());
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

  /**
   * True at once while this node's lease is trusted. Otherwise asks the watcher for a round trip
   * begun from now on and waits for it; false (go to the database) when it failed or the watcher
   * stopped. The wait has no timer of its own (a timed wait of a virtual thread costs a timer task,
   * a tenth of a request's time): every round trip ends, within the connection's socket timeout at
   * worst, and a watcher that stops completes the round it had not begun.
   */
  private boolean countCurrent() {
    long now = System.nanoTime();
    if (now - lastDemand > DEMAND_NOTE_NANOS) {
      lastDemand = now;
      demandNotes.incrementAndGet();
    }
    if (now - trustedUntil < 0) {
      return true;
    }
    Long request = requestBegan.get();
    if (request != null && lastRoundBegan - request > 0) {
      return true;
    }
    CompletableFuture<Boolean> round = nextRound.get();
    if (!watching) {
      return false;
    }
    roundWanted.set(true);
    LockSupport.unpark(watcher);
    return round.join();
  }

  /** Whether this node trusts its memory without a round trip now (it holds a lease). */
  public boolean leased() {
    return watching && System.nanoTime() - trustedUntil < 0;
  }

  /** PostgreSQL: how many writers' notifications this node has heard (for tests and diagnosis). */
  public long notificationsHeard() {
    return heard.get();
  }

  /**
   * PostgreSQL: listens for the notifications of writers that wait for nodes' reports, and while
   * this node has a lease row wakes the watcher to read the count and report it; until the watcher
   * closes. Should the connection fail, a busy node reads the count every millisecond meanwhile.
   */
  private void listen() {
    Properties p = new Properties();
    p.putAll(connectionProperties);
    p.setProperty("ApplicationName", "userman-listen");
    while (!closed) {
      try (Connection c = DriverManager.getConnection(url, p)) {
        listenConnection = c;
        if (closed) {
          break;
        }
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        listening = true;
        while (!closed) {
          PGNotification[] notes = pg.getNotifications(LISTEN_WAIT_MILLIS);
          if (notes != null && notes.length > 0) {
            heard.addAndGet(notes.length);
            if (leaseRow) {
              roundWanted.set(true);
              LockSupport.unpark(watcher);
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          LOG.log(
              System.Logger.Level.WARNING,
              "listening for changes failed, a busy node reads the change count every millisecond until it works again: "
                  + e.getMessage());
        }
      } finally {
        listening = false;
        listenConnection = null;
      }
      pause(RETRY_MILLIS);
    }
  }

  /**
   * Reads the count in round trips while readers ask for them (and every 0.5 s when none does), and
   * while the node is busy every millisecond or so (while the listener listens: when a writer's
   * notice comes, and at each renewal), after renewing its lease when due; until the connection
   * fails or the watcher closes.
   */
  private void watchCount(Connection c) throws SQLException {
    c.setAutoCommit(true);
    try (PreparedStatement count = c.prepareStatement("SELECT n FROM change_count WHERE id = 1");
        PreparedStatement renew =
            c.prepareStatement(
                "UPDATE node_lease SET seen = ?, lease_until = "
                    + databaseTimePlus(LEASE_MILLIS)
                    + " WHERE id = ?");
        PreparedStatement enrol =
            c.prepareStatement(
                "INSERT INTO node_lease (seen, lease_until, id) VALUES (?, "
                    + databaseTimePlus(LEASE_MILLIS)
                    + ", ?)");
        PreparedStatement release = c.prepareStatement("DELETE FROM node_lease WHERE id = ?")) {
      try (Statement st = c.createStatement()) {
        // Rows of nodes that ended without releasing theirs.
        st.executeUpdate(
            "DELETE FROM node_lease WHERE lease_until < " + databaseTimePlus(-3_600_000));
      }
      long seen = count(count);
      // Whatever was cached before the first count may have missed a change.
      generation.incrementAndGet();
      watching = true;
      boolean enrolled = false;
      long reported = -1;
      long renewed = 0;
      boolean busyWindow = false;
      long window = System.nanoTime();
      try {
        while (!closed) {
          long now = System.nanoTime();
          if (now - window >= BUSY_WINDOW_NANOS) {
            busyWindow = demandNotes.getAndSet(0) >= BUSY_NOTES;
            window = now;
          }
          boolean busy = busyWindow && now - lastDemand < QUIET_NANOS;
          if (!roundWanted.getAndSet(false)) {
            // Busy and listening: wake when the renewal is due, or when a writer's notice comes.
            // Idle with a lease still trusted: wake when it lapses, to release it.
            long pause =
                busy
                    ? (listening && enrolled
                        ? Math.max(0, renewed + RENEW_NANOS - now)
                        : CYCLE_PAUSE_NANOS)
                    : enrolled ? Math.max(0, trustedUntil - now) + 1 : IDLE_ROUND_NANOS;
            LockSupport.parkNanos(pause);
            roundWanted.set(false);
          }
          now = System.nanoTime();
          busy = busyWindow && now - lastDemand < QUIET_NANOS;
          boolean renewing =
              busy && (!enrolled || seen != reported || now - renewed >= RENEW_NANOS);
          if (renewing) {
            // The count this node has taken in (its memory emptied if it moved), then its lease;
            // the count read below follows it. Writers wait for the report, so it goes at once.
            // From the row on, what the listener hears wakes this thread.
            leaseRow = true;
            if (update(renew, seen) == 0) {
              update(enrol, seen);
            }
            enrolled = true;
            reported = seen;
            renewed = now;
          } else if (!busy && enrolled && now - trustedUntil >= 0) {
            release.setString(1, nodeId);
            release.executeUpdate();
            enrolled = false;
            leaseRow = false;
          }
          CompletableFuture<Boolean> round = nextRound.getAndSet(new CompletableFuture<>());
          long began = System.nanoTime();
          boolean done = false;
          try {
            long n = count(count);
            if (n != seen) {
              seen = n;
              generation.incrementAndGet();
              if (busy) {
                // Report it at once: a writer on another node may be waiting for it.
                roundWanted.set(true);
              }
            }
            lastRoundBegan = began;
            if (renewing) {
              trustedUntil = renewed + LEASE_TRUST_NANOS;
            }
            done = true;
          } finally {
            round.complete(done);
          }
        }
      } finally {
        trustedUntil = System.nanoTime();
        leaseRow = false;
        if (enrolled && closed) {
          release.setString(1, nodeId);
          release.executeUpdate();
        }
      }
    } finally {
      // Not watching first: a reader that takes the new round then sees it, and does not wait.
      watching = false;
      nextRound.getAndSet(new CompletableFuture<>()).complete(false);
    }
  }

  private int update(PreparedStatement s, long seen) throws SQLException {
    s.setLong(1, seen);
    s.setString(2, nodeId);
    return s.executeUpdate();
  }

  private static long count(PreparedStatement count) throws SQLException {
    try (ResultSet rs = count.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("the table change_count has lost its row");
      }
      return rs.getLong(1);
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
    Thread l;
    synchronized (this) {
      closed = true;
      t = watcher;
      l = listener;
    }
    lost();
    Connection heeding = listenConnection;
    if (heeding != null) {
      try {
        // Ends the listener's wait for a notification now, instead of at the end of it.
        heeding.abort(Runnable::run);
      } catch (SQLException e) {
        // It stops at the end of its wait instead.
      }
    }
    for (Thread thread : new Thread[] {t, l}) {
      if (thread != null) {
        thread.interrupt();
        try {
          thread.join(2_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
