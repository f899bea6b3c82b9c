package org.userman.store.internal.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.internal.ManualTicker;
import org.userman.internal.Ticker;
import org.userman.store.Dialect;
import org.userman.store.internal.Database;
import org.userman.store.internal.FreshDatabase;
import org.userman.testkit.TestDatabases;

/**
 * The change watch of a node on PostgreSQL and MariaDB, with its threads: what it sees of other
 * writers, when it is unwatched, and (on the real ticker) how a busy node's lease and the writers'
 * wait for it make a write on one node hold on another at its next read.
 */
class ServerChangesTest {
  private FreshDatabase fresh;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void create() {
    Assumptions.assumeFalse(TestDatabases.isSqlite(), "the change count is the server databases'");
    fresh = FreshDatabase.create();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (fresh != null) {
      fresh.close();
    }
  }

  /** A node on the fresh database; its watcher not started. */
  private Database node(Ticker ticker) {
    return node(ticker, true);
  }

  private Database node(Ticker ticker, boolean listenForChanges) {
    Database db = Database.open(fresh.settings(listenForChanges), ticker);
    open.add(db);
    return db;
  }

  private long count() {
    return fresh.number("SELECT n FROM change_count WHERE id = 1");
  }

  @Test
  void a_node_is_unwatched_until_its_watcher_runs_and_once_it_closes() {
    Changes changes = node(ManualTicker.frozen()).changes();
    assertThat(changes.generation()).isEqualTo(Changes.UNWATCHED);
    assertThat(changes.startAndAwait(Duration.ofSeconds(10))).isTrue();
    assertThat(changes.generation()).isNotEqualTo(Changes.UNWATCHED);
    changes.close();
    assertThat(changes.generation()).isEqualTo(Changes.UNWATCHED);
    assertThat(changes.leased()).isFalse();
  }

  @Test
  void a_write_counted_by_another_process_is_seen_at_the_next_read() {
    Changes changes = node(ManualTicker.frozen()).changes();
    assertThat(changes.startAndAwait(Duration.ofSeconds(10))).isTrue();
    long before = changes.generation();
    assertThat(changes.generation()).as("nothing written").isEqualTo(before);

    // another process, such as the command line, that counts its writes but watches nothing
    Database other = node(ManualTicker.frozen());
    other.tx(h -> h.execute("UPDATE users SET name = name"));
    assertThat(changes.generation()).isNotEqualTo(before).isNotEqualTo(Changes.UNWATCHED);
  }

  @Test
  void every_write_counts_itself_and_a_write_of_the_node_itself_moves_its_generation_at_once() {
    Database db = node(ManualTicker.frozen());
    assertThat(db.changes().startAndAwait(Duration.ofSeconds(10))).isTrue();
    long count = count();
    long before = db.changes().generation();
    db.tx(h -> h.execute("UPDATE users SET name = name"));
    assertThat(count()).isEqualTo(count + 1);
    assertThat(db.changes().generation()).isNotEqualTo(before);
  }

  @Test
  void with_listen_for_changes_off_nothing_is_watched_and_nothing_counted() {
    Database db = node(ManualTicker.frozen(), false);
    assertThat(db.changes().startAndAwait(Duration.ofSeconds(1))).isFalse();
    assertThat(db.changes().generation()).isEqualTo(Changes.UNWATCHED);
    long count = count();
    db.tx(h -> h.execute("UPDATE users SET name = name"));
    assertThat(count()).isEqualTo(count);
    assertThat(db.changes().generation()).isEqualTo(Changes.UNWATCHED);
  }

  @Test
  void when_the_watchers_connection_breaks_readers_go_to_the_database_until_it_has_connected_again()
      throws Exception {
    Changes changes = node(ManualTicker.frozen()).changes();
    assertThat(changes.startAndAwait(Duration.ofSeconds(10))).isTrue();
    assertThat(changes.generation()).isNotEqualTo(Changes.UNWATCHED);
    killOtherConnections();
    assertThat(changes.generation()).isEqualTo(Changes.UNWATCHED);
    // The watcher notices, and connects again a second later.
    assertThat(until(() -> changes.generation() != Changes.UNWATCHED))
        .as("connected again")
        .isTrue();
  }

  /**
   * Ends every other session on the fresh database, as a database restart would, and waits until
   * they are gone.
   */
  private void killOtherConnections() throws Exception {
    boolean postgres = fresh.dialect() == Dialect.POSTGRESQL;
    String others =
        postgres
            ? "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            : "SELECT id FROM information_schema.processlist WHERE db = database() AND id <> connection_id()";
    try (Connection c = fresh.connect();
        Statement st = c.createStatement()) {
      List<Long> killed = ids(st, others);
      assertThat(killed).isNotEmpty();
      for (long id : killed) {
        st.execute(postgres ? "SELECT pg_terminate_backend(" + id + ")" : "KILL " + id);
      }
      assertThat(
              until(
                  () -> {
                    try {
                      return ids(st, others).stream().noneMatch(killed::contains);
                    } catch (SQLException e) {
                      throw new IllegalStateException(e);
                    }
                  }))
          .as("the sessions ended")
          .isTrue();
    }
  }

  private static List<Long> ids(Statement st, String sql) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  /**
   * Requests keep node B busy, so that it holds a lease and answers from memory without a round
   * trip: only the writer's wait for B's lease makes each write on A hold on B at its next read. On
   * the real ticker, as in production.
   */
  @Test
  void a_write_on_one_node_is_seen_by_a_busy_leased_node_at_its_next_read() throws Exception {
    Database a = node(Ticker.SYSTEM);
    Changes b = node(Ticker.SYSTEM).changes();
    assertThat(b.startAndAwait(Duration.ofSeconds(10))).isTrue();
    try (Busy busy = new Busy(b)) {
      assertThat(busy.untilLeased()).as("B holds a lease").isTrue();
      for (int i = 0; i < 40; i++) {
        long before = b.generation();
        assertThat(b.leased()).as("B holds a lease, round %d", i).isTrue();
        a.tx(h -> h.execute("UPDATE users SET name = name"));
        assertThat(b.generation()).as("round %d", i).isNotEqualTo(before);
      }
    }
  }

  /**
   * On PostgreSQL a busy node does not read the change count every millisecond: a writer that finds
   * it behind notifies it, and it then reads the count and reports it in its lease row, which is
   * what the writer waits for. A count that nobody announces (plain SQL) it reports at its next
   * renewal.
   */
  @Test
  void on_postgresql_a_writer_wakes_a_busy_node_that_lags() throws Exception {
    Assumptions.assumeTrue(fresh.dialect() == Dialect.POSTGRESQL, "LISTEN/NOTIFY is PostgreSQL's");
    Database a = node(Ticker.SYSTEM);
    Changes b = node(Ticker.SYSTEM).changes();
    assertThat(b.startAndAwait(Duration.ofSeconds(10))).isTrue();
    try (Busy busy = new Busy(b)) {
      assertThat(busy.untilLeased()).as("B holds a lease").isTrue();
      long heard = b.notificationsHeard();
      for (int i = 0; i < 10; i++) {
        a.tx(h -> h.execute("UPDATE users SET name = name"));
      }
      // A write finds B behind unless B's renewal, every 25 ms, reported the count in the
      // fraction of a millisecond between the commit and the check: nearly every one notifies.
      assertThat(until(() -> b.notificationsHeard() >= heard + 5))
          .as("heard %d", b.notificationsHeard() - heard)
          .isTrue();

      fresh.execute("UPDATE change_count SET n = n + 1 WHERE id = 1");
      long count = count();
      assertThat(until(() -> fresh.number("SELECT MAX(seen) FROM node_lease") >= count))
          .as("the count B reports")
          .isTrue();
    }
  }

  /** Whether {@code condition} holds within 10 s, looked at every millisecond. */
  private static boolean until(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    return condition.getAsBoolean();
  }

  /** Reads of a node in a loop, as steady requests make them, until closed. */
  private static final class Busy implements AutoCloseable {
    private final Changes node;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    Busy(Changes node) {
      this.node = node;
      this.thread =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (!stop.get()) {
                      node.generation();
                      // a request every fifth of a millisecond or so: busy, without taking a core
                      // from the watcher
                      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
                    }
                  });
    }

    /**
     * Whether the node holds a lease within 10 s (a quarter second of steady reads makes it busy).
     */
    boolean untilLeased() throws InterruptedException {
      return until(node::leased);
    }

    @Override
    public void close() {
      stop.set(true);
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
