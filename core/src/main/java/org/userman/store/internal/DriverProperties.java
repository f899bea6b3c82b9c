package org.userman.store.internal;

import java.util.Properties;
import org.userman.store.DatabaseSettings;
import org.userman.store.Dialect;

/** What Userman's connections tell the JDBC driver: the pool's, and the change watcher's own. */
final class DriverProperties {
  private DriverProperties() {}

  /** What every connection of the pool, and the change watcher's own, tells the driver. */
  static Properties of(DatabaseSettings settings, Dialect dialect) {
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
        // A batch of inserts (an import's users, their audit records and events) goes as a few
        // multi-row statements instead of one statement a row.
        p.setProperty("reWriteBatchedInserts", "true");
      }
      case MARIADB -> {
        p.setProperty("connectTimeout", String.valueOf(timeoutMillis));
        p.setProperty("socketTimeout", String.valueOf(2 * timeoutMillis));
      }
    }
    return p;
  }

  /** The change watcher's own connection: as the pool's, but outside it, and named. */
  static Properties forWatcher(DatabaseSettings settings, Properties driver) {
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
}
