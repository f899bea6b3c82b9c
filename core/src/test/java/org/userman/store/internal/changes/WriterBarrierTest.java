package org.userman.store.internal.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.userman.internal.ManualTicker;
import org.userman.store.Dialect;
import org.userman.store.internal.Database;
import org.userman.store.internal.FreshDatabase;
import org.userman.testkit.TestDatabases;

/**
 * A write's wait for the other nodes' leases, on PostgreSQL and MariaDB, timed by the ticker: it
 * waits for a node that lags until it reports the write's count, and never longer than 110 ms.
 */
class WriterBarrierTest {
  private static final String WRITER = "writer";
  private static final long COUNT = 42;
  private FreshDatabase fresh;
  private Database db;

  @BeforeEach
  void open() {
    Assumptions.assumeFalse(TestDatabases.isSqlite(), "the leases are the server databases'");
    fresh = FreshDatabase.create();
    db = Database.open(fresh.settings(), ManualTicker.frozen());
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
    if (fresh != null) {
      fresh.close();
    }
  }

  private Jdbi jdbi() {
    return db.jdbi();
  }

  private WriterBarrier barrier(ManualTicker ticker) {
    return new WriterBarrier(new ChangeSql(fresh.dialect()), WRITER, ticker);
  }

  /** Another node's lease row, running out {@code millis} from now in the database's time. */
  private void lease(String node, long seen, long millis) {
    fresh.execute(
        "INSERT INTO node_lease (id, seen, lease_until) VALUES (?, ?, "
            + fresh.databaseTimePlus(millis)
            + ")",
        node,
        seen);
  }

  @Test
  void with_no_other_node_leased_a_write_waits_for_one_check() {
    ManualTicker ticker = ManualTicker.stepping(Duration.ofMillis(1));
    WriterBarrier barrier = barrier(ticker);
    long committed = ticker.read();
    long reads = ticker.reads();
    assertThat(barrier.await(COUNT, committed, jdbi())).isTrue();
    assertThat(ticker.reads() - reads).as("one check, then no more").isEqualTo(1);
  }

  @Test
  void nodes_that_reported_the_count_or_more_hold_up_no_write() {
    lease("b", COUNT, 60_000);
    lease("c", COUNT + 3, 60_000);
    ManualTicker ticker = ManualTicker.stepping(Duration.ofMillis(1));
    assertThat(barrier(ticker).await(COUNT, ticker.read(), jdbi())).isTrue();
  }

  @Test
  void the_writers_own_lease_holds_up_none_of_its_writes() {
    lease(WRITER, 0, 60_000);
    ManualTicker ticker = ManualTicker.stepping(Duration.ofMillis(1));
    assertThat(barrier(ticker).await(COUNT, ticker.read(), jdbi())).isTrue();
  }

  @Test
  void a_write_waits_for_a_lagging_node_until_it_reports_the_count() throws Exception {
    lease("b", COUNT - 1, 60_000);
    ManualTicker ticker =
        ManualTicker.frozen(); // the bound never runs out: only the report ends the wait
    WriterBarrier barrier = barrier(ticker);
    long committed = ticker.read();
    CompletableFuture<Boolean> write =
        CompletableFuture.supplyAsync(() -> barrier.await(COUNT, committed, jdbi()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ticker.reads() < 4 && System.nanoTime() < deadline) {
      Thread.sleep(1); // until the writer's thread has checked a few times
    }
    assertThat(ticker.reads()).isGreaterThanOrEqualTo(4);
    assertThat(write).isNotDone();
    fresh.execute("UPDATE node_lease SET seen = ? WHERE id = 'b'", COUNT);
    assertThat(write.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void a_write_waits_for_a_silent_lease_no_longer_than_110ms_from_its_commit() {
    lease("crashed", 0, 60_000);
    ManualTicker ticker = ManualTicker.stepping(Duration.ofMillis(1));
    long committed = ticker.read();
    assertThat(barrier(ticker).await(COUNT, committed, jdbi())).isFalse();
    assertThat(Duration.ofNanos(ticker.peek() - committed))
        .isBetween(Duration.ofMillis(110), Duration.ofMillis(112));
  }

  @Test
  void a_lease_holds_up_writes_until_a_second_after_it_ran_out_in_the_databases_time() {
    lease("lapsed", 0, -500);
    ManualTicker ticker = ManualTicker.stepping(Duration.ofMillis(10));
    assertThat(barrier(ticker).await(COUNT, ticker.read(), jdbi()))
        .as("the database's clock may have stepped")
        .isFalse();
    fresh.execute(
        "UPDATE node_lease SET lease_until = "
            + fresh.databaseTimePlus(-1_500)
            + " WHERE id = 'lapsed'");
    assertThat(barrier(ticker).await(COUNT, ticker.read(), jdbi())).isTrue();
  }

  @Test
  void on_postgresql_the_first_check_that_finds_a_node_behind_notifies_the_listeners_once()
      throws Exception {
    Assumptions.assumeTrue(fresh.dialect() == Dialect.POSTGRESQL, "LISTEN/NOTIFY is PostgreSQL's");
    lease("b", 0, 60_000);
    try (Connection listener = fresh.connect()) {
      try (Statement st = listener.createStatement()) {
        st.execute("LISTEN " + ChangeSql.CHANNEL);
      }
      ManualTicker ticker = ManualTicker.stepping(Duration.ofMillis(1));
      assertThat(barrier(ticker).await(COUNT, ticker.read(), jdbi())).isFalse();
      PGNotification[] heard = listener.unwrap(PGConnection.class).getNotifications(2_000);
      assertThat(heard).hasSize(1);
      assertThat(listener.unwrap(PGConnection.class).getNotifications(100)).isNullOrEmpty();
    }
  }

  @Test
  void a_transaction_is_answered_only_after_the_wait() {
    lease("crashed", 0, 60_000);
    ManualTicker ticker = ManualTicker.stepping(Duration.ofMillis(1));
    try (Database writer = Database.open(fresh.settings(), ticker)) {
      long before = ticker.peek();
      writer.tx(h -> h.execute("UPDATE users SET name = name"));
      assertThat(Duration.ofNanos(ticker.peek() - before))
          .isGreaterThanOrEqualTo(Duration.ofMillis(110));
    }
  }
}
