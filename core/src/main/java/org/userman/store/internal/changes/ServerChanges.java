package org.userman.store.internal.changes;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.userman.internal.Ticker;
import org.userman.store.Dialect;
import org.userman.store.Storage;

/**
 * PostgreSQL and MariaDB with {@code database.listen_for_changes} on: writes count themselves in
 * {@code change_count}, a watcher thread reads the count for the readers ({@link CountWatch}) and
 * holds a lease while the node is busy, writes wait for the other nodes' leases ({@link
 * WriterBarrier}), and on PostgreSQL a listener hears writers that wait ({@link
 * NotificationListener}).
 */
final class ServerChanges implements Changes {
  private final ChangeSql sql;
  private final Ticker ticker;

  /** This node's row of {@code node_lease}. */
  private final String nodeId = UUID.randomUUID().toString();

  private final Generation generation = new Generation();
  private final Demand demand;
  private final Rounds rounds;
  private final Lease lease;
  private final WriterBarrier barrier;

  /** PostgreSQL's; null on MariaDB, which has no notices. */
  private final NotificationListener listener;

  private final WatchThread watcher;

  /**
   * When the request this thread serves began, on the ticker, while it serves one ({@link
   * #request()}).
   */
  private final ThreadLocal<Long> requestBegan = new ThreadLocal<>();

  private volatile boolean closed;

  ServerChanges(Dialect dialect, String url, Properties connectionProperties, Ticker ticker) {
    this.sql = new ChangeSql(dialect);
    this.ticker = ticker;
    this.demand = new Demand(ticker);
    this.rounds = new Rounds(ticker);
    this.lease = new Lease(ticker);
    this.barrier = new WriterBarrier(sql, nodeId, ticker);
    this.listener =
        dialect == Dialect.POSTGRESQL
            ? new NotificationListener(url, connectionProperties, lease, rounds, () -> closed)
            : null;
    this.watcher =
        new WatchThread(
            "userman-changes",
            url,
            connectionProperties,
            this::watch,
            this::lost,
            () -> closed,
            "watching the database for changes failed, caches are off until it works again: ");
  }

  private void watch(Connection c) throws SQLException {
    try (CountWatch watch =
        new CountWatch(
            c, sql, nodeId, demand, rounds, lease, generation, this::listening, ticker)) {
      watch.run(() -> closed);
    }
  }

  private boolean listening() {
    return listener != null && listener.listening();
  }

  @Override
  public long generation() {
    if (!generation.watched()) {
      return UNWATCHED;
    }
    return countCurrent() ? generation.value() : UNWATCHED;
  }

  /**
   * True at once while this node's lease is trusted, or when a round trip begun since this thread's
   * request began has succeeded. Otherwise asks the watcher for a round trip begun from now on and
   * waits for it; false (go to the database) when it failed or the watcher stopped. The wait has no
   * timer of its own (a timed wait of a virtual thread costs a timer task): every round trip ends,
   * within the connection's socket timeout at worst, and a watcher that stops completes the round
   * it had not begun.
   */
  private boolean countCurrent() {
    long now = ticker.read();
    demand.note(now);
    if (lease.trusted(now)) {
      return true;
    }
    Long request = requestBegan.get();
    if (request != null && rounds.begunSince(request)) {
      return true;
    }
    CompletableFuture<Boolean> round = rounds.next();
    if (!generation.watched()) {
      return false;
    }
    rounds.want();
    return round.join();
  }

  @Override
  public synchronized void start() {
    if (closed) {
      return;
    }
    rounds.watchedBy(watcher.start());
    if (listener != null) {
      listener.start();
    }
  }

  @Override
  public boolean startAndAwait(Duration timeout) {
    start();
    return generation.awaitWatched(timeout);
  }

  @Override
  public Storage.RequestScope request() {
    requestBegan.set(ticker.read());
    return requestBegan::remove;
  }

  private static final String ANNOUNCE_POSTGRESQL =
      "UPDATE change_count SET n = n + 1 WHERE id = 1 RETURNING n";

  @Override
  public long announce(Handle h) {
    if (sql.dialect == Dialect.POSTGRESQL) {
      return h.createQuery(ANNOUNCE_POSTGRESQL).mapTo(Long.class).one();
    }
    h.execute("UPDATE change_count SET n = n + 1 WHERE id = 1");
    return h.createQuery(sql.count).mapTo(Long.class).one();
  }

  @Override
  public String announcement() {
    return sql.dialect == Dialect.POSTGRESQL ? ANNOUNCE_POSTGRESQL : null;
  }

  @Override
  public Statement othersBehind() {
    return sql.dialect == Dialect.POSTGRESQL
        ? new Statement(sql.laggingNow, Map.of("node", nodeId))
        : null;
  }

  @Override
  public void awaitOtherNodes(long count, long committed, Jdbi jdbi) {
    barrier.await(count, committed, jdbi);
  }

  @Override
  public void written() {
    generation.next();
  }

  @Override
  public boolean leased() {
    return generation.watched() && lease.trusted(ticker.read());
  }

  @Override
  public long notificationsHeard() {
    return listener == null ? 0 : listener.heard();
  }

  /**
   * Forget everything cached, and stop caching until the watcher runs again (its loop ends and it
   * connects anew).
   */
  private void lost() {
    generation.unwatched();
    lease.distrust(ticker.read());
    generation.next();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    lost();
    if (listener != null) {
      listener.abortWait();
    }
    watcher.stop();
    if (listener != null) {
      listener.stop();
    }
  }
}
