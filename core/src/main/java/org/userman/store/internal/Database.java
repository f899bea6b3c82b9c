package org.userman.store.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Supplier;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.userman.internal.Ticker;
import org.userman.metrics.Instrumentation;
import org.userman.store.DatabaseSettings;
import org.userman.store.Dialect;
import org.userman.store.Storage;
import org.userman.store.internal.changes.Changes;

/**
 * The database as the rest of the library uses it: one connection pool, the schema, transactions,
 * this node's view of other writers' changes, and the embedded database's serving lock. Each of
 * those is a class of its own; this one opens them together and closes them.
 */
public final class Database implements Storage, AutoCloseable {
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Dialect dialect;
  private final Schema schema;
  private final Transactions transactions;
  private final Changes changes;
  private final ServingLock servingLock;

  private final Instrumentation instrumentation;

  private Database(
      HikariDataSource dataSource,
      Dialect dialect,
      Duration busyTimeout,
      Changes changes,
      Ticker ticker,
      Path sqliteFile,
      Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.jdbi = Jdbi.create(dataSource);
    this.schema = new Schema(dataSource, dialect);
    this.changes = changes;
    this.transactions = new Transactions(jdbi, dialect, busyTimeout, changes, ticker);
    this.servingLock = new ServingLock(sqliteFile);
  }

  /**
   * Opens the pool and brings the schema up to date (or, when the settings leave migrations to the
   * operator, checks that it is). {@code ticker} times the change watch.
   */
  public static Database open(DatabaseSettings settings, Ticker ticker) {
    return open(settings, ticker, Instrumentation.NONE);
  }

  /** As {@link #open(DatabaseSettings, Ticker)}, telling {@code instrumentation} of the pool. */
  public static Database open(
      DatabaseSettings settings, Ticker ticker, Instrumentation instrumentation) {
    return open(settings, ticker, true, instrumentation);
  }

  /**
   * Opens the pool and leaves the schema as it is: for the operator's migrate, status and backup.
   */
  public static Database openForMaintenance(DatabaseSettings settings, Ticker ticker) {
    return open(settings, ticker, false, Instrumentation.NONE);
  }

  private static Database open(
      DatabaseSettings settings,
      Ticker ticker,
      boolean prepareSchema,
      Instrumentation instrumentation) {
    Dialect dialect = Dialect.of(settings.url());
    Path sqliteFile = SqliteFile.of(settings.url());
    if (dialect == Dialect.SQLITE) {
      SqliteFile.prepare(sqliteFile);
    }
    Properties driver = DriverProperties.of(settings, dialect);
    HikariDataSource dataSource = ConnectionPool.open(settings, driver, instrumentation);
    Changes changes =
        Changes.open(
            dialect,
            settings.url(),
            DriverProperties.forWatcher(settings, driver),
            settings.listenForChanges(),
            ticker);
    Database db =
        new Database(
            dataSource,
            dialect,
            settings.busyTimeout(),
            changes,
            ticker,
            sqliteFile,
            instrumentation);
    try {
      if (prepareSchema) {
        db.schema.prepare(settings.migrate());
      }
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  /** Whether the schema is current by the shortcut that lets a start skip Flyway. */
  public boolean schemaCurrent() {
    return schema.current();
  }

  @Override
  public int migrate() {
    return schema.migrate();
  }

  @Override
  public SchemaStatus status() {
    return schema.status();
  }

  /**
   * Takes the embedded database's serving lock (see {@link ServingLock}), released at {@link
   * #close}; a second server on the same file fails here.
   */
  public void lockForServing() {
    servingLock.take();
  }

  @Override
  public Dialect dialect() {
    return dialect;
  }

  /** Runs {@code callback} in one transaction; a database outage becomes {@code unavailable}. */
  public <R> R tx(HandleCallback<R, RuntimeException> callback) {
    return transaction(() -> transactions.tx(callback));
  }

  /**
   * As {@link #tx}, with the {@link Writes} of the callback held until it returns and then sent
   * together with the change count (and, on PostgreSQL, the commit) in one round trip. The callback
   * must not read back what it wrote through them.
   */
  public <R> R batchedTx(HandleCallback<R, RuntimeException> callback) {
    return transaction(() -> transactions.batchedTx(callback));
  }

  private <R> R transaction(Supplier<R> run) {
    Instrumentation.Step step = instrumentation.step("db.transaction");
    try {
      return run.get();
    } finally {
      step.close();
    }
  }

  /** Runs {@code callback} on one connection without an explicit transaction (reads). */
  public <R> R read(HandleCallback<R, RuntimeException> callback) {
    Instrumentation.Step step = instrumentation.step("db.read");
    try {
      return transactions.read(callback);
    } finally {
      step.close();
    }
  }

  @Override
  public RequestScope request() {
    return changes.request();
  }

  /** This node's view of changes, for caches of what requests read on every call. */
  public Changes changes() {
    return changes;
  }

  /** Whether the database answers within {@code timeout}. */
  @Override
  public boolean isReady(Duration timeout) {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid((int) Math.max(1, timeout.toSeconds()));
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void backupTo(Path file) {
    SqliteBackup.write(dialect, transactions, file);
  }

  /**
   * A pooled connection for code that drives its own transactions (the shared rate-limit buckets).
   */
  public Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  /** For tools that need plain JDBC (backups, benchmarks). */
  public Jdbi jdbi() {
    return jdbi;
  }

  /** A database outage becomes {@code unavailable}; anything else is returned as it is. */
  public static RuntimeException translate(RuntimeException e) {
    return Outages.translate(e);
  }

  @Override
  public void close() {
    changes.close();
    dataSource.close();
    servingLock.close();
  }
}
