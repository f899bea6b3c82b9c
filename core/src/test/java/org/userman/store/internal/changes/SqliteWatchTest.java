package org.userman.store.internal.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.internal.ManualTicker;
import org.userman.store.internal.Database;
import org.userman.store.internal.FreshDatabase;
import org.userman.testkit.TestDatabases;

/** SQLite's watch: PRAGMA data_version tells the node of another connection's commit. */
class SqliteWatchTest {
  private static final Duration FRESH = Duration.ofNanos(SqliteWatch.FRESH_NANOS);
  private final ManualTicker ticker = ManualTicker.frozen();
  private FreshDatabase fresh;
  private Database db;
  private Changes changes;

  @BeforeEach
  void open() {
    Assumptions.assumeTrue(TestDatabases.isSqlite(), "SQLite's own watch");
    fresh = FreshDatabase.create();
    db = Database.open(fresh.settings(), ticker);
    changes = db.changes();
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

  /** A commit of another process, such as the command line's. */
  private void commitElsewhere() {
    fresh.execute("UPDATE change_count SET n = n + 1 WHERE id = 1");
  }

  @Test
  void nothing_is_watched_before_the_watcher_runs_or_after_it_closes() {
    assertThat(changes.generation()).isEqualTo(Changes.UNWATCHED);
    assertThat(changes.startAndAwait(Duration.ofSeconds(10))).isTrue();
    assertThat(changes.generation()).isNotEqualTo(Changes.UNWATCHED);
    changes.close();
    assertThat(changes.generation()).isEqualTo(Changes.UNWATCHED);
    assertThat(changes.startAndAwait(Duration.ZERO)).isFalse();
  }

  @Test
  void a_commit_by_another_connection_moves_the_generation_at_the_next_read() {
    assertThat(changes.startAndAwait(Duration.ofSeconds(10))).isTrue();
    long before = changes.generation();
    ticker.advance(FRESH);
    assertThat(changes.generation()).as("nothing committed").isEqualTo(before);

    commitElsewhere();
    ticker.advance(FRESH);
    long after = changes.generation();
    assertThat(after).isNotEqualTo(before).isNotEqualTo(Changes.UNWATCHED);
  }

  @Test
  void reads_within_0_2ms_of_an_ask_share_it() {
    assertThat(changes.startAndAwait(Duration.ofSeconds(10))).isTrue();
    long before = changes.generation();
    commitElsewhere();
    assertThat(changes.generation()).isEqualTo(before);
    ticker.advance(FRESH.minusNanos(1));
    assertThat(changes.generation()).isEqualTo(before);
    ticker.advance(Duration.ofNanos(1));
    assertThat(changes.generation()).isNotEqualTo(before);
  }

  @Test
  void a_write_of_the_node_itself_moves_the_generation_at_once() {
    assertThat(changes.startAndAwait(Duration.ofSeconds(10))).isTrue();
    long before = changes.generation();
    db.tx(h -> h.execute("UPDATE change_count SET n = n + 1 WHERE id = 1"));
    assertThat(changes.generation()).isNotEqualTo(before);
  }

  @Test
  void nothing_counts_on_sqlite() {
    long count = fresh.number("SELECT n FROM change_count WHERE id = 1");
    db.tx(h -> h.execute("UPDATE users SET name = name"));
    assertThat(fresh.number("SELECT n FROM change_count WHERE id = 1")).isEqualTo(count);
    assertThat(changes.leased()).isFalse();
  }
}
