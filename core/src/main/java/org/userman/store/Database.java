package org.userman.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.userman.ErrorCode;
import org.userman.UsermanException;

/**
 * The one connection pool and the schema. Every write runs in a transaction that commits before
 * the caller sees its result, so an answered request is a durable one.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Dialect dialect;

  private Database(HikariDataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.jdbi = Jdbi.create(dataSource);
  }

  /** Opens the pool and brings the schema up to date. */
  public static Database open(DatabaseSettings settings) {
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
    if (dialect == Dialect.SQLITE) {
      createParentFolder(settings.url());
      // WAL lets readers run beside the one writer; synchronous=FULL syncs the WAL at every commit,
      // so an acknowledged write survives even a power cut, not just a killed process.
      hikari.addDataSourceProperty("journal_mode", "WAL");
      hikari.addDataSourceProperty("synchronous", "FULL");
      hikari.addDataSourceProperty("foreign_keys", "true");
      hikari.addDataSourceProperty("busy_timeout", String.valueOf(settings.busyTimeout().toMillis()));
      // A transaction that reads then writes must hold the write lock from its start, or two of
      // them deadlock on the upgrade and one fails at once instead of waiting its turn.
      hikari.addDataSourceProperty("transaction_mode", "IMMEDIATE");
      hikari.setMaximumPoolSize(settings.poolSize());
    } else {
      hikari.setMaximumPoolSize(settings.poolSize());
    }
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new UsermanException(
          ErrorCode.UNAVAILABLE, "cannot connect to the database: " + rootMessage(e));
    }
    Database db = new Database(dataSource, dialect);
    try {
      db.migrate();
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  private void migrate() {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .loggers("slf4j")
        .load()
        .migrate();
  }

  private static void createParentFolder(String url) {
    String file = url.substring("jdbc:sqlite:".length());
    int query = file.indexOf('?');
    if (query >= 0) {
      file = file.substring(0, query);
    }
    if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file:")) {
      return;
    }
    Path parent = Path.of(file).toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (java.io.IOException e) {
      throw new UsermanException(
          ErrorCode.UNAVAILABLE, "cannot create the database folder " + parent + ": " + e.getMessage());
    }
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Runs {@code callback} in one transaction; a database outage becomes {@code unavailable}. */
  public <R> R tx(HandleCallback<R, RuntimeException> callback) {
    try {
      return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, callback);
    } catch (RuntimeException e) {
      throw translate(e);
    }
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
  public boolean isReady(Duration timeout) {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid((int) Math.max(1, timeout.toSeconds()));
    } catch (SQLException e) {
      return false;
    }
  }

  /** For tools that need plain JDBC (backups, benchmarks). */
  public Jdbi jdbi() {
    return jdbi;
  }

  private static RuntimeException translate(RuntimeException e) {
    if (e instanceof UsermanException) {
      return e;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        return new UsermanException(ErrorCode.UNAVAILABLE, "The database is unavailable.");
      }
    }
    return e;
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
    dataSource.close();
  }
}
