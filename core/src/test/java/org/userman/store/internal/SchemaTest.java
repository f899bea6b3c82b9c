package org.userman.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.common.UsermanException;
import org.userman.internal.ManualTicker;
import org.userman.store.DatabaseSettings;
import org.userman.store.Dialect;

/**
 * The schema's version on each database: the start-up shortcut, Flyway behind it, the version
 * guard.
 */
class SchemaTest {
  private FreshDatabase fresh;

  @BeforeEach
  void create() {
    fresh = FreshDatabase.create();
  }

  @AfterEach
  void drop() {
    fresh.close();
  }

  private Database open(DatabaseSettings settings) {
    return Database.open(settings, ManualTicker.frozen());
  }

  /**
   * ShippedMigrations computes Flyway's checksum itself so that a start can skip Flyway: it must be
   * Flyway's own, for every shipped migration, as Flyway resolves the files and as it records them.
   */
  @Test
  void the_shortcuts_checksums_are_flyways_own_for_every_shipped_migration() {
    DatabaseSettings settings = fresh.settings();
    List<ShippedMigrations.Migration> shipped = ShippedMigrations.of(fresh.dialect()).migrations();
    try (HikariDataSource pool =
        ConnectionPool.open(
            settings,
            DriverProperties.of(settings, fresh.dialect()),
            org.userman.metrics.Instrumentation.NONE)) {
      Schema schema = new Schema(pool, fresh.dialect());
      assertThat(schema.current()).as("no history yet").isFalse();
      assertThat(asShipped(schema.flyway().info().pending()))
          .as("as Flyway resolves the files")
          .isEqualTo(shipped);
      assertThat(schema.migrate()).isEqualTo(shipped.size());
      assertThat(asShipped(schema.flyway().info().applied()))
          .as("as Flyway recorded them")
          .isEqualTo(shipped);
      assertThat(schema.current()).isTrue();
    }
  }

  /**
   * On PostgreSQL a migration that waits for a lock an older node's transaction holds gives up
   * after a while, is rolled back whole and tried again, instead of keeping the locks it took
   * before it (with which it deadlocked with such a node's next statement), and its count says how
   * many ran in all its attempts.
   */
  @Test
  void a_postgresql_migration_gives_up_a_lock_it_waits_for_and_is_tried_again() throws Exception {
    Assumptions.assumeTrue(
        fresh.dialect() == Dialect.POSTGRESQL, "the lock timeout and retry are PostgreSQL's");
    DatabaseSettings settings = fresh.settings();
    try (HikariDataSource pool =
            ConnectionPool.open(
                settings,
                DriverProperties.of(settings, fresh.dialect()),
                org.userman.metrics.Instrumentation.NONE);
        Connection node = fresh.connect()) {
      Schema schema = new Schema(pool, fresh.dialect());
      Flyway.configure()
          .configuration(schema.flyway().getConfiguration())
          .target("15")
          .load()
          .migrate();
      // an older node's write to sessions, which V17 alters, still open
      node.setAutoCommit(false);
      try (Statement st = node.createStatement()) {
        st.execute("LOCK TABLE sessions IN ROW EXCLUSIVE MODE");
      }
      CompletableFuture<Integer> migrated = CompletableFuture.supplyAsync(schema::migrate);
      awaitLockWaiters(1);
      // it gave up while the lock is still held: it waits no longer
      awaitLockWaiters(0);
      assertThat(migrated).isNotDone();
      node.commit();
      int shipped = ShippedMigrations.of(fresh.dialect()).migrations().size();
      assertThat(migrated.get(2, TimeUnit.MINUTES)).isEqualTo(shipped - 15);
      assertThat(schema.current()).isTrue();
    }
  }

  /** Waits until {@code n} statements of the test database wait for a lock on sessions. */
  private void awaitLockWaiters(long n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (fresh.number(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'sessions'::regclass"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
        != n) {
      assertThat(System.nanoTime()).as("waiting for %d lock waiters", n).isLessThan(deadline);
      Thread.sleep(5); // another database session's progress: nothing to drive
    }
  }

  private static List<ShippedMigrations.Migration> asShipped(MigrationInfo[] infos) {
    return Arrays.stream(infos)
        .map(
            m ->
                new ShippedMigrations.Migration(
                    m.getVersion().getVersion(), m.getScript(), m.getChecksum()))
        .toList();
  }

  @Test
  void a_current_schema_skips_flyway_and_an_edited_migration_does_not() {
    try (Database db = open(fresh.settings())) {
      // The history Flyway wrote matches the shipped files, checksums included: starts skip Flyway.
      assertThat(db.schemaCurrent()).isTrue();
      open(fresh.settings()).close();
      // A migration that no longer matches the one that ran sends the start to Flyway's validation.
      fresh.execute("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
      assertThat(db.schemaCurrent()).isFalse();
    }
    RuntimeException e = assertThrows(RuntimeException.class, () -> open(fresh.settings()));
    assertThat(e.getMessage()).contains("checksum mismatch");
  }

  @Test
  void a_schema_newer_than_this_userman_is_refused_naming_both_versions() {
    open(fresh.settings()).close();
    fresh.execute(
        "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
            + " installed_by, execution_time, success) VALUES (99, '999', 'future', 'SQL', 'V999__future.sql', 0, 'test', 0, true)");
    UsermanException e = assertThrows(UsermanException.class, () -> open(fresh.settings()));
    assertThat(e.getMessage())
        .contains("newer than this Userman")
        .contains("999")
        .contains(
            "(" + ShippedMigrations.of(fresh.dialect()).migrations().getLast().version() + ")");
  }

  @Test
  void with_migrations_left_to_the_operator_a_schema_behind_is_refused_until_migrated() {
    DatabaseSettings operators = fresh.settings().withMigrate(false);
    UsermanException e = assertThrows(UsermanException.class, () -> open(operators));
    assertThat(e.getMessage()).contains("userman db migrate");
    int shipped = ShippedMigrations.of(fresh.dialect()).migrations().size();
    try (Database maintenance = Database.openForMaintenance(operators, ManualTicker.frozen())) {
      assertThat(maintenance.status().pending()).hasSize(shipped);
      assertThat(maintenance.migrate()).isEqualTo(shipped);
      assertThat(maintenance.status().pending()).isEmpty();
    }
    open(operators).close();
  }
}
