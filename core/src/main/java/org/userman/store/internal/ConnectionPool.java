package org.userman.store.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Properties;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.metrics.Instrumentation;
import org.userman.store.DatabaseSettings;

/** The one connection pool of a process: HikariCP, set up from the settings. */
final class ConnectionPool {
  private ConnectionPool() {}

  /** Opens the pool, or fails as {@code unavailable} when the database cannot be reached. */
  static HikariDataSource open(
      DatabaseSettings settings, Properties driver, Instrumentation instrumentation) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(settings.url());
    hikari.setPoolName("userman");
    long timeoutMillis = settings.connectTimeout().toMillis();
    hikari.setConnectionTimeout(timeoutMillis);
    hikari.setInitializationFailTimeout(timeoutMillis);
    if (settings.user() != null) {
      hikari.setUsername(settings.user());
    }
    if (settings.password() != null) {
      hikari.setPassword(settings.password());
    }
    hikari.setDataSourceProperties(driver);
    hikari.setMaximumPoolSize(settings.poolSize());
    // Every transaction runs at READ COMMITTED (PostgreSQL's default; MariaDB's is REPEATABLE
    // READ),
    // set once on each new connection. Asking for the level in each transaction instead cost
    // PostgreSQL three extra round trips per write (Jdbi reads the level twice and restores it).
    hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    hikari.setValidationTimeout(Math.max(250, Math.min(timeoutMillis, 5000)));
    if (instrumentation != Instrumentation.NONE) {
      hikari.setMetricsTrackerFactory(new PoolMetrics(instrumentation));
    }
    try {
      return new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new UsermanException(
          ErrorCode.UNAVAILABLE, "cannot connect to the database: " + rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
