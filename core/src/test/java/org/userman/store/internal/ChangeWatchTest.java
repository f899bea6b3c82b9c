package org.userman.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.internal.ManualTicker;
import org.userman.testkit.TestDatabases;

/**
 * A node keeps the rows that requests read in memory ({@link ReadCache}), and drops them when
 * another process commits a write: the command line beside it on SQLite, another node or the
 * command line on PostgreSQL and MariaDB. Time is the ticker's: a request that comes "later" comes
 * after the ticker moved.
 */
class ChangeWatchTest {
  private static final String ADA = "ada-id";
  private final ManualTicker ticker = ManualTicker.frozen();
  private FreshDatabase fresh;
  private Database node;
  private ReadCache<String, String> statuses;
  private int loads;

  @BeforeEach
  void open() {
    fresh = FreshDatabase.create();
    node = Database.open(fresh.settings(), ticker);
    node.tx(
        h ->
            h.execute(
                "INSERT INTO users (id, email, email_norm, email_verified, name, name_norm, status, attributes,"
                    + " created_at, updated_at) VALUES (?, 'ada@example.org', 'ada@example.org', 1, 'Ada', 'ada', 'active', '{}', 0, 0)",
                ADA));
    assertThat(node.changes().startAndAwait(Duration.ofSeconds(10))).isTrue();
    statuses = new ReadCache<>(node.changes(), 100, ticker);
  }

  @AfterEach
  void close() {
    if (node != null) {
      node.close();
    }
    if (fresh != null) {
      fresh.close();
    }
  }

  /** A request of the node that reads Ada's status, a little after the one before. */
  private String nextRequest() {
    ticker.advance(Duration.ofMillis(1));
    return statuses
        .get(
            ADA,
            id -> {
              loads++;
              return node.read(
                  h ->
                      h.createQuery("SELECT status FROM users WHERE id = ?")
                          .bind(0, id)
                          .mapTo(String.class)
                          .findOne());
            })
        .orElseThrow();
  }

  @Test
  void the_node_answers_from_memory_while_nothing_is_written() {
    assertThat(nextRequest()).isEqualTo("active");
    assertThat(nextRequest()).isEqualTo("active");
    assertThat(loads).isOne();
  }

  /** At the next request, on every database: the other process does not even watch. */
  @Test
  void a_write_by_another_userman_process_holds_at_the_next_request() {
    assertThat(nextRequest()).isEqualTo("active");
    assertThat(nextRequest()).isEqualTo("active");
    try (Database other = Database.openForMaintenance(fresh.settings(), ManualTicker.frozen())) {
      other.tx(h -> h.execute("UPDATE users SET status = 'disabled' WHERE id = ?", ADA));
    }
    assertThat(nextRequest()).isEqualTo("disabled");
  }

  /**
   * Plain SQL behind Userman's back does not count itself on a server database: the node serves
   * what it cached (which shows that it caches) until the entry's age runs out, 2 s. SQLite tells
   * the node of any other connection's commit, so there it holds at once.
   */
  @Test
  void plain_sql_behind_userman_holds_within_two_seconds() {
    assertThat(nextRequest()).isEqualTo("active");
    fresh.execute("UPDATE users SET status = 'disabled' WHERE id = ?", ADA);
    if (TestDatabases.isSqlite()) {
      assertThat(nextRequest()).isEqualTo("disabled");
      return;
    }
    assertThat(nextRequest()).as("served from the node's memory").isEqualTo("active");
    ticker.advance(ReadCache.MAX_AGE.minusMillis(3));
    assertThat(nextRequest()).as("served from the node's memory").isEqualTo("active");
    assertThat(nextRequest()).as("2 s after it was read").isEqualTo("disabled");
  }

  @Test
  void a_write_of_the_node_itself_holds_at_its_next_request() {
    assertThat(nextRequest()).isEqualTo("active");
    node.tx(h -> h.execute("UPDATE users SET status = 'disabled' WHERE id = ?", ADA));
    assertThat(nextRequest()).isEqualTo("disabled");
  }

  @Test
  void a_node_that_does_not_watch_reads_every_request_from_the_database() {
    node.changes().close();
    nextRequest();
    nextRequest();
    assertThat(loads).isEqualTo(2);
  }

  @Test
  void absent_rows_are_not_kept() {
    Optional<String> none =
        statuses.get(
            "nobody",
            id -> {
              loads++;
              return Optional.empty();
            });
    assertThat(none).isEmpty();
    statuses.get(
        "nobody",
        id -> {
          loads++;
          return Optional.empty();
        });
    assertThat(loads).isEqualTo(2);
  }
}
