package org.userman.store.internal;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.store.Dialect;
import org.userman.store.Storage.SchemaStatus;

/**
 * The schema's version: brought up to date by Flyway's versioned migrations, or checked when the
 * operator migrates, and refused when it is newer than this Userman.
 */
final class Schema {
  private final DataSource dataSource;
  private final Dialect dialect;

  Schema(DataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  /**
   * Brings the schema up to date, or checks that it is when migrations are the operator's. A schema
   * whose history already lists every shipped migration goes no further than that one query.
   */
  void prepare(boolean migrate) {
    if (current()) {
      return;
    }
    if (migrate) {
      migrate();
    } else {
      requireCurrent();
    }
  }

  /**
   * Whether the schema history lists every migration this Userman ships, in order, each applied
   * with the checksum of its file: then a start skips Flyway (see {@link ShippedMigrations}).
   */
  boolean current() {
    return ShippedMigrations.of(dialect).allApplied(dataSource);
  }

  /**
   * Brings the schema up to date; returns how many migrations ran.
   *
   * <p>On PostgreSQL the nodes of the previous version keep serving while a new one migrates
   * (docs/operations.md, "Rolling upgrades"): a migration that alters a table they write waits for
   * their transactions, and may close a cycle with one that holds that table and waits for a table
   * the migration has locked (the foreign key of a new table locks the table it references). A
   * migration therefore waits at most {@link #LOCK_TIMEOUT} for a lock, less than the 1 s after
   * which PostgreSQL looks for a deadlock and aborts the transaction that looked, so that it gives
   * up first and the node's request goes on; it is rolled back whole (PostgreSQL's DDL is
   * transactional) and tried again.
   */
  int migrate() {
    Integer before = null;
    for (int attempt = 1; ; attempt++) {
      Flyway flyway = flyway();
      refuseNewer(flyway);
      try {
        if (dialect != Dialect.POSTGRESQL) {
          return flyway.migrate().migrationsExecuted;
        }
        if (before == null) {
          before = flyway.info().applied().length;
        }
        flyway.migrate();
        // the attempts before may have committed some: count them too
        return flyway.info().applied().length - before;
      } catch (FlywayException e) {
        if (dialect != Dialect.POSTGRESQL || !lockConflict(e) || attempt == ATTEMPTS) {
          throw e;
        }
        backOff(attempt);
      }
    }
  }

  private static final String LOCK_TIMEOUT = "500ms";
  private static final int ATTEMPTS = 40;

  /** Whether the migration gave up on a lock (lock_not_available) or lost a deadlock. */
  private static boolean lockConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql
          && ("55P03".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(Math.min(50L * attempt, 1_000L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UsermanException(ErrorCode.UNAVAILABLE, "interrupted while migrating");
    }
  }

  /** The schema version and the migrations still to run, for operators. */
  SchemaStatus status() {
    MigrationInfoService info = flyway().info();
    MigrationInfo current = info.current();
    return new SchemaStatus(
        dialect,
        current == null || current.getVersion() == null ? null : current.getVersion().getVersion(),
        Arrays.stream(info.pending()).map(m -> m.getVersion().getVersion()).toList());
  }

  private void requireCurrent() {
    Flyway flyway = flyway();
    refuseNewer(flyway);
    if (flyway.info().pending().length > 0) {
      throw new UsermanException(
          ErrorCode.UNAVAILABLE,
          "the database schema is behind this Userman; run `userman db migrate` first");
    }
  }

  Flyway flyway() {
    FluentConfiguration config =
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/migration/" + dialect.name().toLowerCase(Locale.ROOT))
            .loggers("slf4j");
    if (dialect == Dialect.POSTGRESQL) {
      config.callbacks(new LockTimeout());
    }
    return config.load();
  }

  /**
   * Sets the lock timeout of each migration's transaction, in it (SET LOCAL), so that the pooled
   * connection it runs on goes back to the pool without it.
   */
  private static final class LockTimeout implements Callback {
    @Override
    public boolean supports(Event event, Context context) {
      return event == Event.BEFORE_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
      return true;
    }

    @Override
    public void handle(Event event, Context context) {
      try (Statement st = context.getConnection().createStatement()) {
        st.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
      } catch (SQLException e) {
        throw new FlywayException("cannot set the migration's lock timeout", e);
      }
    }

    @Override
    public String getCallbackName() {
      return "userman-lock-timeout";
    }
  }

  /**
   * A node older than the schema would write rows a newer version does not expect: it refuses to
   * start, naming both versions.
   */
  private static void refuseNewer(Flyway flyway) {
    MigrationInfoService info = flyway.info();
    for (MigrationInfo m : info.all()) {
      if (m.getState().name().startsWith("FUTURE")) {
        String ours = "none";
        for (MigrationInfo k : info.all()) {
          if (!k.getState().name().startsWith("FUTURE") && k.getVersion() != null) {
            ours = k.getVersion().getVersion();
          }
        }
        throw new UsermanException(
            ErrorCode.UNAVAILABLE,
            "the database schema is at version "
                + info.current().getVersion()
                + ", newer than this Userman knows ("
                + ours
                + "); run the newer Userman, or restore a backup made for this one");
      }
    }
  }
}
