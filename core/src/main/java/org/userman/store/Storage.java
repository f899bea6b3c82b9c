package org.userman.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The database as operators and the HTTP layer see it: health, schema, backups, request scopes. */
public interface Storage {
  Dialect dialect();

  /** Whether the database answers within {@code timeout}. */
  boolean isReady(Duration timeout);

  /** The schema version and the migrations still to run. */
  SchemaStatus status();

  /** Brings the schema up to date; returns how many migrations ran. */
  int migrate();

  /**
   * A consistent copy of the embedded database, taken while it serves, into a new private file.
   * Server databases have their own tools for this (pg_dump, mariadb-dump).
   */
  void backupTo(Path file);

  /**
   * Marks the start of a request on this thread, until the scope closes: its reads need only see
   * what was committed before it began, so on a server database they share one round trip to the
   * change count instead of one each. A server opens one per request, in a filter.
   */
  RequestScope request();

  /** The span of one request, on the thread that serves it. */
  interface RequestScope extends AutoCloseable {
    @Override
    void close();
  }

  /** The version the schema is at (null before the first migration) and the pending ones. */
  record SchemaStatus(Dialect dialect, String current, List<String> pending) {
    public SchemaStatus {
      pending = List.copyOf(pending);
    }
  }
}
