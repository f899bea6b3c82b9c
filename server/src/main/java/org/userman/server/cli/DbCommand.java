package org.userman.server.cli;

import java.nio.file.Path;
import org.userman.Userman;
import org.userman.store.Dialect;
import org.userman.store.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Schema and backups, for operators who run them apart from the servers. */
@Command(
    name = "db",
    mixinStandardHelpOptions = true,
    description = "Migrate, inspect and back up the configured database.",
    subcommands = {DbCommand.Migrate.class, DbCommand.Status.class, DbCommand.Backup.class})
final class DbCommand implements Runnable {
  @ParentCommand RootCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CliException("name a db command: migrate, status or backup");
  }

  Userman.MaintenanceStorage open() {
    return Userman.openForMaintenance(root.loadConfig().core().database());
  }

  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description = "Bring the schema up to date.")
  static final class Migrate implements Runnable {
    @ParentCommand DbCommand db;
    @Spec CommandSpec spec;

    @Override
    public void run() {
      try (Userman.MaintenanceStorage database = db.open()) {
        int ran = database.migrate();
        spec.commandLine()
            .getOut()
            .println(
                "migrated: "
                    + ran
                    + " migration(s) ran; schema at version "
                    + database.status().current());
      }
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Show the schema version and pending migrations.")
  static final class Status implements Runnable {
    @ParentCommand DbCommand db;
    @Spec CommandSpec spec;

    @Override
    public void run() {
      try (Userman.MaintenanceStorage database = db.open()) {
        Storage.SchemaStatus s = database.status();
        spec.commandLine()
            .getOut()
            .printf(
                "database: %s%nschema version: %s%npending: %s%n",
                s.dialect().name().toLowerCase(java.util.Locale.ROOT),
                s.current() == null ? "none (empty database)" : s.current(),
                s.pending().isEmpty() ? "none" : String.join(", ", s.pending()));
      }
    }
  }

  @Command(
      name = "backup",
      mixinStandardHelpOptions = true,
      description =
          "Write a consistent copy of the embedded database to FILE while it serves."
              + " For PostgreSQL use pg_dump, for MariaDB/MySQL mariadb-dump --single-transaction.")
  static final class Backup implements Runnable {
    @ParentCommand DbCommand db;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A new file.")
    Path file;

    @Override
    public void run() {
      try (Userman.MaintenanceStorage database = db.open()) {
        if (database.dialect() != Dialect.SQLITE) {
          throw new CliException(
              database.dialect() == Dialect.POSTGRESQL
                  ? "back up PostgreSQL with pg_dump (pg_dump -Fc -f FILE DBNAME); see docs/operations.md"
                  : "back up MariaDB/MySQL with mariadb-dump --single-transaction DBNAME > FILE; see docs/operations.md");
        }
        try {
          database.backupTo(file);
        } catch (IllegalArgumentException e) {
          throw new CliException(e.getMessage());
        }
        spec.commandLine().getOut().println("backed up to " + file);
      }
    }
  }
}
