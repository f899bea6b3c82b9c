package org.userman.store.internal.changes;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.userman.internal.Ticker;
import org.userman.store.Dialect;
import org.userman.store.Storage;

/**
 * What this node knows of writes to the database, so it can keep what every request reads (the
 * session check, API keys, users by id) in memory and still answer the next request after a change
 * with the changed data. The node's {@link #generation()} moves on after each of its own write
 * transactions commits, and when a watcher sees another writer commit:
 *
 * <ul>
 *   <li>SQLite ({@link SqliteWatch}): one node owns the file, and the command line is the other
 *       writer. A cached read first asks {@code PRAGMA data_version} on the watcher's own
 *       connection, which changes when any other connection commits, unless that was asked within
 *       the last 0.2 ms.
 *   <li>PostgreSQL and MariaDB ({@link ServerChanges}, with {@code database.listen_for_changes}, on
 *       by default): every write transaction counts up the one row of {@code change_count} as its
 *       last statement, so the count has moved by the time any writer is told of its commit. Before
 *       a cached read, the node reads the count on a connection of its own, in a round trip begun
 *       after the read was asked for: every write answered before the request came in has then been
 *       counted, and a count that moved ends what the node holds. A revocation on any node
 *       therefore holds on every node at its next request, as on one. Requests that ask while a
 *       round trip is under way share the next one, so under load one round trip serves many. (The
 *       row is a point of contention: write transactions commit one after another, each holding it
 *       briefly.)
 *   <li>While requests keep coming, a node holds a lease instead, and its cached reads make no
 *       round trip at all: see {@link LeaseTimes}. On PostgreSQL such a node also listens on a
 *       second connection of its own for writers that wait for its report ({@link
 *       NotificationListener}), and reads the count when it hears one, instead of every
 *       millisecond.
 *   <li>With the setting off, on PostgreSQL or MariaDB ({@link Unwatched}), the generation is
 *       always {@link #UNWATCHED} and nothing is cached.
 * </ul>
 *
 * While a watcher is not running (starting, or its connection lost and noticed) the generation is
 * {@link #UNWATCHED}, and readers go to the database. The methods with a body here are what a
 * database where nothing is counted does.
 */
public interface Changes extends AutoCloseable {
  /** The generation while another writer's changes could go unseen: do not use a cache. */
  long UNWATCHED = -1;

  /**
   * The watch for this database: {@code listenOnServerDatabase} is the operator's {@code
   * database.listen_for_changes} (SQLite is always watched). {@code connectionProperties} are those
   * of the watcher's own connections, outside the pool.
   */
  static Changes open(
      Dialect dialect,
      String url,
      Properties connectionProperties,
      boolean listenOnServerDatabase,
      Ticker ticker) {
    if (dialect == Dialect.SQLITE) {
      return new SqliteWatch(url, connectionProperties, ticker);
    }
    return listenOnServerDatabase
        ? new ServerChanges(dialect, url, connectionProperties, ticker)
        : new Unwatched();
  }

  /**
   * The current generation, or {@link #UNWATCHED}. On SQLite this may ask SQLite; on a server
   * database it waits for a round trip to it (shared with the requests that ask meanwhile, and with
   * the rest of this thread's request): whatever another writer had committed when the call, or the
   * request, began is seen.
   */
  long generation();

  /** Starts the watcher, as a serving node does at start-up. Until then nothing is cached. */
  void start();

  /** Starts the watcher and waits (at most {@code timeout}) until it runs; whether it does. */
  boolean startAndAwait(Duration timeout);

  /**
   * Marks the start of a request on this thread, until the returned span closes. Its reads need
   * only see what was committed before the request began, so on a server database they share one
   * round trip begun since then (the session check and the caller's user, say), instead of one
   * each.
   */
  default Storage.RequestScope request() {
    return () -> {};
  }

  /**
   * Inside a write transaction, as its last statement: counts the write, for the nodes on a server
   * database (also from a process that does not watch, such as the command line), and returns the
   * count it set, or -1 where nothing counts. The row stays locked until the commit, so it is taken
   * last, when the transaction holds all else it needs.
   */
  default long announce(Handle h) {
    return -1;
  }

  /**
   * PostgreSQL: {@link #announce} as one statement that returns the count, for a transaction that
   * sends it with its other writes; null where nothing counts.
   */
  default String announcement() {
    return null;
  }

  /**
   * After a write transaction that set the count to {@code count} committed, before it is answered:
   * waits until no other node may still trust memory from before it (see {@link WriterBarrier}).
   * {@code committed} is when the commit returned, on the ticker; {@code jdbi} gives a connection
   * for the checks. Nothing to wait for where nothing counts ({@code count} -1).
   */
  default void awaitOtherNodes(long count, long committed, Jdbi jdbi) {}

  /**
   * As {@link #awaitOtherNodes(long, long, Jdbi)}, with {@code behind} what the statement of {@link
   * #othersBehind} returned right after the commit (-1: not asked): none behind, nothing to wait
   * for.
   */
  default void awaitOtherNodes(long count, long committed, Jdbi jdbi, long behind) {
    if (behind != 0) {
      awaitOtherNodes(count, committed, jdbi);
    }
  }

  /** A statement with the text values of its named parameters. */
  record Statement(String sql, Map<String, String> values) {}

  /**
   * PostgreSQL: the writer's first look at the other nodes' leases, as a query that a transaction
   * sends right after its commit in the same round trip: how many other nodes may still trust
   * memory from before the current count, which is at least the write's (so none means that none is
   * behind the write). Null where nothing counts.
   */
  default Statement othersBehind() {
    return null;
  }

  /**
   * After a write transaction, committed or not: this node's readers see the change from now on.
   */
  void written();

  /** Whether this node trusts its memory without a round trip now (it holds a lease). */
  default boolean leased() {
    return false;
  }

  /** PostgreSQL: how many writers' notifications this node has heard (for tests and diagnosis). */
  default long notificationsHeard() {
    return 0;
  }

  /** Stops the watcher, and with it the use of caches. */
  @Override
  void close();
}
