package org.userman.store.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.crypto.internal.PrivateFiles;
import org.userman.store.DatabaseSettings;
import org.userman.store.Dialect;
import org.userman.store.Storage;

/**
 * The one connection pool and the schema. Every write runs in a transaction that commits before the
 * caller sees its result, so an answered request is a durable one.
 */
public final class Database implements Storage, AutoCloseable {
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Dialect dialect;

  /**
   * SQLite's one writer, taken in Java before a transaction begins. Without it, transactions queue
   * for SQLite's write lock inside its native busy handler, and a virtual thread waiting in native
   * code holds its carrier: with as many waiters as cores (two here) the thread that holds the lock
   * cannot run to its commit, and sign-ins under load stalled for seconds. A Java lock parks the
   * waiters instead and lets the holder run; SQLite admits one writer anyway. Null on the server
   * databases, whose lock waits happen over the network and do not hold a carrier.
   */
  private final ReentrantLock sqliteWriter;

  private final Duration busyTimeout;
  private final Changes changes;

  /** The embedded database's file (null for a server database), and its serving lock once taken. */
  private final Path sqliteFile;

  private FileLock servingLock;

  private Database(
      HikariDataSource dataSource,
      Dialect dialect,
      Duration busyTimeout,
      Changes changes,
      Path sqliteFile) {
    this.sqliteFile = sqliteFile;
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.jdbi = Jdbi.create(dataSource);
    this.busyTimeout = busyTimeout;
    this.sqliteWriter = dialect == Dialect.SQLITE ? new ReentrantLock(true) : null;
    this.changes = changes;
  }

  /**
   * Opens the pool and brings the schema up to date (or, when the settings leave migrations to the
   * operator, checks that it is).
   */
  public static Database open(DatabaseSettings settings) {
    return open(settings, true);
  }

  /**
   * Opens the pool and leaves the schema as it is: for the operator's migrate, status and backup.
   */
  public static Database openForMaintenance(DatabaseSettings settings) {
    return open(settings, false);
  }

  private static Database open(DatabaseSettings settings, boolean prepareSchema) {
    Dialect dialect = Dialect.of(settings.url());
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(settings.url());
    hikari.setPoolName("userman");
    hikari.setConnectionTimeout(settings.connectTimeout().toMillis());
    hikari.setInitializationFailTimeout(settings.connectTimeout().toMillis());
    if (settings.user() != null) {
      hikari.setUsername(settings.user());
    }
    if (settings.password() != null) {
      hikari.setPassword(settings.password());
    }
    long timeoutMillis = settings.connectTimeout().toMillis();
    if (dialect == Dialect.SQLITE) {
      prepareSqliteFile(sqliteFile(settings.url()));
    }
    Properties driver = driverProperties(settings, dialect);
    hikari.setDataSourceProperties(driver);
    hikari.setMaximumPoolSize(settings.poolSize());
    // Every transaction runs at READ COMMITTED (PostgreSQL's default; MariaDB's is REPEATABLE
    // READ),
    // set once on each new connection. Asking for the level in each transaction instead cost
    // PostgreSQL three extra round trips per write (Jdbi reads the level twice and restores it).
    hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    hikari.setValidationTimeout(Math.max(250, Math.min(timeoutMillis, 5000)));
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new UsermanException(
          ErrorCode.UNAVAILABLE, "cannot connect to the database: " + rootMessage(e));
    }
    Changes changes =
        new Changes(
            dialect,
            settings.url(),
            watcherProperties(settings, driver),
            settings.listenForChanges());
    Database db =
        new Database(
            dataSource, dialect, settings.busyTimeout(), changes, sqliteFile(settings.url()));
    try {
      if (prepareSchema) {
        db.prepareSchema(settings.migrate());
      }
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  /** What every connection of the pool, and the change watcher's own, tells the driver. */
  private static Properties driverProperties(DatabaseSettings settings, Dialect dialect) {
    Properties p = new Properties();
    long timeoutMillis = settings.connectTimeout().toMillis();
    switch (dialect) {
      case SQLITE -> {
        // WAL lets readers run beside the one writer; synchronous=FULL syncs the WAL at every
        // commit, so an acknowledged write survives even a power cut, not just a killed process.
        p.setProperty("journal_mode", "WAL");
        p.setProperty("synchronous", "FULL");
        p.setProperty("foreign_keys", "true");
        p.setProperty("busy_timeout", String.valueOf(settings.busyTimeout().toMillis()));
        // A transaction that reads then writes must hold the write lock from its start, or two of
        // them deadlock on the upgrade and one fails at once instead of waiting its turn.
        p.setProperty("transaction_mode", "IMMEDIATE");
      }
      // A database that stops answering must not hold a request longer than the timeout: bound
      // the connect and every socket read, so callers get 503 instead of a hang.
      case POSTGRESQL -> {
        p.setProperty("connectTimeout", String.valueOf(Math.max(1, timeoutMillis / 1000)));
        p.setProperty("socketTimeout", String.valueOf(Math.max(1, 2 * timeoutMillis / 1000)));
        p.setProperty("tcpKeepAlive", "true");
      }
      case MARIADB -> {
        p.setProperty("connectTimeout", String.valueOf(timeoutMillis));
        p.setProperty("socketTimeout", String.valueOf(2 * timeoutMillis));
      }
    }
    return p;
  }

  /** The change watcher's own connection: as the pool's, but outside it, and named. */
  private static Properties watcherProperties(DatabaseSettings settings, Properties driver) {
    Properties p = new Properties();
    p.putAll(driver);
    if (settings.user() != null) {
      p.setProperty("user", settings.user());
    }
    if (settings.password() != null) {
      p.setProperty("password", settings.password());
    }
    p.setProperty("ApplicationName", "userman-changes");
    return p;
  }

  /**
   * Brings the schema up to date, or checks that it is when migrations are the operator's. A schema
   * whose history already lists every shipped migration goes no further than that one query.
   */
  private void prepareSchema(boolean migrate) {
    if (schemaCurrent()) {
      return;
    }
    if (migrate) {
      migrate();
    } else {
      requireCurrentSchema();
    }
  }

  /**
   * Whether the schema history lists every migration this Userman ships, in order, each applied
   * with the checksum of its file: then a start skips Flyway (see {@link ShippedMigrations}).
   */
  public boolean schemaCurrent() {
    return ShippedMigrations.of(dialect).allApplied(dataSource);
  }

  /** Brings the schema up to date; returns how many migrations ran. */
  @Override
  public int migrate() {
    Flyway flyway = flyway();
    refuseNewerSchema(flyway);
    return flyway.migrate().migrationsExecuted;
  }

  private void requireCurrentSchema() {
    Flyway flyway = flyway();
    refuseNewerSchema(flyway);
    if (flyway.info().pending().length > 0) {
      throw new UsermanException(
          ErrorCode.UNAVAILABLE,
          "the database schema is behind this Userman; run `userman db migrate` first");
    }
  }

  private Flyway flyway() {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration/" + dialect.name().toLowerCase(java.util.Locale.ROOT))
        .loggers("slf4j")
        .load();
  }

  /**
   * A node older than the schema would write rows a newer version does not expect: it refuses to
   * start, naming both versions.
   */
  private static void refuseNewerSchema(Flyway flyway) {
    MigrationInfoService info = flyway.info();
    for (MigrationInfo m : info.all()) {
      if (m.getState().name().startsWith("FUTURE")) {
        MigrationInfo[] known = info.all();
        String ours = "none";
        for (MigrationInfo k : known) {
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

  /** The schema version and the migrations still to run, for operators. */
  @Override
  public SchemaStatus status() {
    MigrationInfoService info = flyway().info();
    MigrationInfo current = info.current();
    return new SchemaStatus(
        dialect,
        current == null || current.getVersion() == null ? null : current.getVersion().getVersion(),
        java.util.Arrays.stream(info.pending()).map(m -> m.getVersion().getVersion()).toList());
  }

  /**
   * The file of a {@code jdbc:sqlite:} URL, or null for an in-memory one, a {@code file:} URI or a
   * server database.
   */
  static Path sqliteFile(String url) {
    if (!url.startsWith("jdbc:sqlite:")) {
      return null;
    }
    String file = url.substring("jdbc:sqlite:".length());
    int query = file.indexOf('?');
    if (query >= 0) {
      file = file.substring(0, query);
    }
    if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file:")) {
      return null;
    }
    return Path.of(file).toAbsolutePath();
  }

  /**
   * SQLite takes one writer process: a second server on the same file would only contend for its
   * lock, so a serving program takes this one, and a second fails. The command line does not take
   * it and may run beside. Released at {@link #close}. Nothing to do on a server database.
   */
  public synchronized void lockForServing() {
    if (sqliteFile == null || servingLock != null) {
      return;
    }
    Path lockFile = sqliteFile.resolveSibling(sqliteFile.getFileName() + ".server-lock");
    try {
      FileChannel channel =
          FileChannel.open(
              lockFile,
              Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
              PrivateFiles.fileAttributes(lockFile));
      PrivateFiles.restrict(lockFile);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new UsermanException(
            ErrorCode.UNAVAILABLE,
            "another Userman server is already running on "
                + sqliteFile
                + "; stop it, or give this one another data_dir");
      }
      servingLock = lock;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lockFile, e);
    }
  }

  /**
   * The embedded database's folder (0700 when made here) and file (0600), made before SQLite opens
   * it: SQLite gives its WAL, shared-memory and journal files the permissions of the database file,
   * so they are private too, whatever the umask. Files an older version made are made private.
   */
  private static void prepareSqliteFile(Path db) {
    if (db == null) {
      return;
    }
    try {
      PrivateFiles.folder(db.getParent());
      PrivateFiles.touch(db);
      for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
        PrivateFiles.restrict(db.resolveSibling(db.getFileName() + suffix));
      }
    } catch (java.io.UncheckedIOException e) {
      throw new UsermanException(
          ErrorCode.UNAVAILABLE,
          "cannot prepare the database file " + db + ": " + e.getCause().getMessage());
    }
  }

  @Override
  public Dialect dialect() {
    return dialect;
  }

  /** Runs {@code callback} in one transaction; a database outage becomes {@code unavailable}. */
  public <R> R tx(HandleCallback<R, RuntimeException> callback) {
    if (sqliteWriter == null) {
      return inTransaction(callback);
    }
    try {
      if (!sqliteWriter.tryLock(busyTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new UsermanException(ErrorCode.UNAVAILABLE, "The database is busy; try again.");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UsermanException(
          ErrorCode.UNAVAILABLE, "Interrupted while waiting for the database.");
    }
    try {
      return inTransaction(callback);
    } finally {
      sqliteWriter.unlock();
    }
  }

  private <R> R inTransaction(HandleCallback<R, RuntimeException> callback) {
    long[] count = {-1};
    R result;
    try {
      result =
          jdbi.inTransaction(
              h -> {
                R r = callback.withHandle(h);
                count[0] = changes.announce(h);
                return r;
              });
    } catch (RuntimeException e) {
      throw translate(e);
    } finally {
      changes.written();
    }
    // Answered only once no other node can serve what this changed from memory.
    changes.awaitOtherNodes(count[0], System.nanoTime(), jdbi);
    return result;
  }

  @Override
  public RequestScope request() {
    return changes.request();
  }

  /** This node's view of changes, for caches of what requests read on every call. */
  public Changes changes() {
    return changes;
  }

  /** Runs {@code callback} on one connection without an explicit transaction (reads). */
  public <R> R read(HandleCallback<R, RuntimeException> callback) {
    try {
      return jdbi.withHandle(callback);
    } catch (RuntimeException e) {
      throw translate(e);
    }
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

  /**
   * A consistent copy of the embedded database, taken while it serves. Server databases have their
   * own tools for this (pg_dump, mariadb-dump).
   */
  @Override
  public void backupTo(Path file) {
    if (dialect != Dialect.SQLITE) {
      throw new UnsupportedOperationException("back up " + dialect + " with its own dump tool");
    }
    if (Files.exists(file)) {
      throw new IllegalArgumentException(file + " exists; choose a new file");
    }
    // SQLite writes into an empty file made here, private like the database it copies.
    PrivateFiles.touch(file);
    read(h -> h.execute("VACUUM INTO ?", file.toAbsolutePath().toString()));
  }

  /**
   * A pooled connection for code that drives its own transactions (the shared rate-limit buckets).
   */
  public java.sql.Connection connection() throws java.sql.SQLException {
    return dataSource.getConnection();
  }

  /** For tools that need plain JDBC (backups, benchmarks). */
  public Jdbi jdbi() {
    return jdbi;
  }

  /** A database outage becomes {@code unavailable}; anything else is returned as it is. */
  public static RuntimeException translate(RuntimeException e) {
    if (e instanceof UsermanException) {
      return e;
    }
    return isOutage(e)
        ? new UsermanException(ErrorCode.UNAVAILABLE, "The database is unavailable.")
        : e;
  }

  /**
   * Whether {@code e} says the database could not be reached (rather than that a statement failed).
   */
  static boolean isOutage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException
          || t instanceof java.net.SocketException
          || t instanceof java.net.SocketTimeoutException
          || (t instanceof SQLException sql
              && sql.getSQLState() != null
              && sql.getSQLState().startsWith("08"))) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  @Override
  public void close() {
    changes.close();
    dataSource.close();
    synchronized (this) {
      if (servingLock != null) {
        try {
          servingLock.release();
          servingLock.channel().close();
        } catch (IOException e) {
          // the lock dies with the process anyway
        }
        servingLock = null;
      }
    }
  }
}
