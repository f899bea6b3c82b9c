package org.userman.store.internal.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.internal.ManualTicker;
import org.userman.store.internal.Database;
import org.userman.store.internal.FreshDatabase;
import org.userman.testkit.TestDatabases;

/**
 * The watcher's rounds on PostgreSQL and MariaDB, stepped one by one on the test's thread with the
 * ticker moved by hand: the count, and the lease's enrolment, renewal and release.
 */
class CountWatchTest {
  private static final String NODE = "node-a";
  private final ManualTicker ticker = ManualTicker.frozen();
  private final Generation generation = new Generation();
  private final Demand demand = new Demand(ticker);
  private final Rounds rounds = new Rounds(ticker);
  private final Lease lease = new Lease(ticker);
  private boolean listening;
  private FreshDatabase fresh;
  private Connection connection;
  private CountWatch watch;

  @BeforeEach
  void open() throws Exception {
    Assumptions.assumeFalse(
        TestDatabases.isSqlite(), "the change count and the leases are the server databases'");
    fresh = FreshDatabase.create();
    Database.open(fresh.settings(), ticker).close(); // the schema
    connection = fresh.connect();
    watch =
        new CountWatch(
            connection,
            new ChangeSql(fresh.dialect()),
            NODE,
            demand,
            rounds,
            lease,
            generation,
            () -> listening,
            ticker);
  }

  @AfterEach
  void close() throws Exception {
    if (watch != null) {
      watch.close();
      connection.close();
    }
    if (fresh != null) {
      fresh.close();
    }
  }

  /** A write by another process, counted as Userman's writes count themselves. */
  private long countElsewhere() {
    fresh.execute("UPDATE change_count SET n = n + 1 WHERE id = 1");
    return count();
  }

  private long count() {
    return fresh.number("SELECT n FROM change_count WHERE id = 1");
  }

  /** This node's lease row: the count it reported, or null without a row. */
  private Long reported() {
    return fresh.number("SELECT seen FROM node_lease WHERE id = ?", NODE);
  }

  /** Whether the row's lease was renewed since {@code before} (its database time moved on). */
  private boolean leaseUntilMoved(String before) {
    return !before.equals(leaseUntil());
  }

  private String leaseUntil() {
    try (var st = connection.prepareStatement("SELECT lease_until FROM node_lease WHERE id = ?")) {
      st.setString(1, NODE);
      try (var rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads in each 10 ms slot for a quarter second, then a round as the watcher plans it: the node
   * is busy.
   */
  private void busyRound() throws Exception {
    for (int i = 0; i < 25; i++) {
      ticker.advance(Duration.ofMillis(10).plusNanos(1));
      demand.note(ticker.peek());
    }
    watch.plan();
    watch.round();
  }

  /** A read now, and a round as the watcher plans it. */
  private void readAndRound(Duration after) throws Exception {
    ticker.advance(after);
    demand.note(ticker.peek());
    watch.plan();
    watch.round();
  }

  @Test
  void the_watch_begins_with_the_count_and_a_new_generation() throws Exception {
    long before = generation.value();
    assertThat(generation.watched()).isFalse();
    watch.begin();
    assertThat(generation.watched()).isTrue();
    assertThat(generation.value()).isNotEqualTo(before);
  }

  @Test
  void a_round_moves_the_generation_when_another_writer_counted_and_only_then() throws Exception {
    watch.begin();
    long g = generation.value();
    watch.plan();
    watch.round();
    assertThat(generation.value()).isEqualTo(g);
    countElsewhere();
    watch.round();
    assertThat(generation.value()).isGreaterThan(g);
  }

  @Test
  void a_round_answers_the_readers_that_asked_before_it_began() throws Exception {
    watch.begin();
    CompletableFuture<Boolean> asked = rounds.next();
    long requestBegan = ticker.read();
    ticker.advance(Duration.ofNanos(1));
    assertThat(rounds.begunSince(requestBegan)).isFalse();
    watch.round();
    assertThat(asked).isCompletedWithValue(true);
    assertThat(rounds.begunSince(requestBegan)).isTrue();
    assertThat(rounds.next()).isNotSameAs(asked).isNotDone();
  }

  @Test
  void an_idle_node_holds_no_lease() throws Exception {
    watch.begin();
    for (int i = 0; i < 5; i++) {
      readAndRound(Duration.ofMillis(100));
    }
    assertThat(reported()).isNull();
    assertThat(lease.trusted(ticker.peek())).isFalse();
  }

  @Test
  void a_busy_node_enrols_with_the_count_it_has_taken_in_and_trusts_its_memory_for_75ms()
      throws Exception {
    watch.begin();
    long count = count();
    busyRound();
    assertThat(reported()).isEqualTo(count);
    assertThat(lease.hasRow()).isTrue();
    assertThat(lease.trusted(ticker.peek())).isTrue();
    assertThat(lease.trusted(ticker.peek() + Duration.ofMillis(75).toNanos() - 1)).isTrue();
    assertThat(lease.trusted(ticker.peek() + Duration.ofMillis(75).toNanos())).isFalse();
  }

  @Test
  void a_busy_node_renews_every_25ms_and_at_once_when_the_count_moved() throws Exception {
    watch.begin();
    busyRound();
    String first = leaseUntil();
    readAndRound(Duration.ofMillis(10));
    readAndRound(Duration.ofMillis(10));
    assertThat(leaseUntilMoved(first)).as("renewed within 25 ms").isFalse();
    readAndRound(Duration.ofMillis(5));
    assertThat(leaseUntilMoved(first)).as("renewed after 25 ms").isTrue();
    assertThat(lease.trusted(ticker.peek() + Duration.ofMillis(75).toNanos() - 1)).isTrue();

    long count = countElsewhere();
    long g = generation.value();
    readAndRound(Duration.ofMillis(1));
    assertThat(generation.value())
        .as("the count read after the renewal saw the write")
        .isGreaterThan(g);
    assertThat(reported()).as("reported at the next renewal, not before").isLessThan(count);
    assertThat(watch.plan()).as("the next round goes at once").isEqualTo(CountWatch.NOW);
    watch.round();
    assertThat(reported()).isEqualTo(count);
  }

  @Test
  void a_node_that_falls_quiet_keeps_its_lease_until_it_runs_out_then_releases_it()
      throws Exception {
    watch.begin();
    busyRound(); // the last read, and the lease
    ticker.advance(Duration.ofMillis(90));
    watch.plan();
    watch.round(); // busy still (a read within 100 ms): renewed, trusted 75 ms from now
    ticker.advance(Duration.ofMillis(20));
    watch.plan();
    watch.round();
    assertThat(reported()).as("quiet, with a lease still trusted").isNotNull();
    ticker.advance(Duration.ofMillis(55));
    watch.plan();
    watch.round();
    assertThat(reported()).as("released once it ran out").isNull();
    assertThat(lease.hasRow()).isFalse();
  }

  @Test
  void closing_a_busy_node_releases_its_lease() throws Exception {
    watch.begin();
    busyRound();
    watch.end(true);
    assertThat(lease.trusted(ticker.peek())).isFalse();
    assertThat(reported()).isNull();
  }

  @Test
  void a_watch_that_ends_on_a_lost_connection_trusts_its_lease_no_more_and_leaves_it_to_lapse()
      throws Exception {
    watch.begin();
    busyRound();
    watch.end(false);
    assertThat(lease.trusted(ticker.peek())).isFalse();
    assertThat(lease.hasRow()).isFalse();
    assertThat(reported()).isNotNull();
  }

  @Test
  void the_watcher_pauses_as_the_node_is_busy_or_idle_listening_or_not() throws Exception {
    watch.begin();
    ticker.advance(Duration.ofMillis(250));
    assertThat(watch.plan()).as("idle").isEqualTo(CountWatch.IDLE_ROUND_NANOS);
    busyRound();
    assertThat(watch.plan())
        .as("busy, not listening: every millisecond")
        .isEqualTo(LeaseTimes.CYCLE_PAUSE_NANOS);
    listening = true;
    ticker.advance(Duration.ofMillis(5));
    assertThat(watch.plan())
        .as("busy and listening: until the renewal is due")
        .isEqualTo(Duration.ofMillis(20).toNanos());
    rounds.want();
    assertThat(watch.plan())
        .as("a reader or a writer's notice wants a round")
        .isEqualTo(CountWatch.NOW);
    ticker.advance(Duration.ofMillis(85));
    watch.round(); // busy still: renewed, trusted 75 ms from now
    ticker.advance(Duration.ofMillis(20));
    assertThat(watch.plan())
        .as("quiet with a lease: until it lapses")
        .isEqualTo(Duration.ofMillis(55).toNanos() + 1);
  }

  @Test
  void rows_of_nodes_that_ended_an_hour_ago_are_deleted_when_a_watch_begins() throws Exception {
    fresh.execute(
        "INSERT INTO node_lease (id, seen, lease_until) VALUES ('gone', 0, "
            + fresh.databaseTimePlus(-3_601_000)
            + ")");
    fresh.execute(
        "INSERT INTO node_lease (id, seen, lease_until) VALUES ('recent', 0, "
            + fresh.databaseTimePlus(-60_000)
            + ")");
    watch.begin();
    assertThat(fresh.number("SELECT COUNT(*) FROM node_lease WHERE id = 'gone'")).isZero();
    assertThat(fresh.number("SELECT COUNT(*) FROM node_lease WHERE id = 'recent'")).isOne();
  }
}
