package org.userman.store.internal;

import java.util.Arrays;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
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

  /** Brings the schema up to date; returns how many migrations ran. */
  int migrate() {
    Flyway flyway = flyway();
    refuseNewer(flyway);
    return flyway.migrate().migrationsExecuted;
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
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration/" + dialect.name().toLowerCase(Locale.ROOT))
        .loggers("slf4j")
        .load();
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
