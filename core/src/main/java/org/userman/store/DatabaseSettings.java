package org.userman.store;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the data lives and how to reach it; {@code user} and {@code password} may be null. With
 * {@code migrate} false the schema is left to {@code userman db migrate}, and opening a database
 * whose schema is behind fails. {@code listenForChanges} (PostgreSQL and MariaDB) lets nodes keep
 * what requests read in memory, and makes every write transaction count itself (see {@link
 * Changes}).
 */
public record DatabaseSettings(
    String url,
    String user,
    String password,
    int poolSize,
    Duration connectTimeout,
    Duration busyTimeout,
    boolean migrate,
    boolean listenForChanges) {

  public static DatabaseSettings sqlite(Path file) {
    return new DatabaseSettings(
        "jdbc:sqlite:" + file.toAbsolutePath(), null, null, 4, Duration.ofSeconds(5), Duration.ofSeconds(10), true, false);
  }

  public DatabaseSettings withMigrate(boolean migrate) {
    return new DatabaseSettings(url, user, password, poolSize, connectTimeout, busyTimeout, migrate, listenForChanges);
  }

  @Override
  public String toString() {
    return "DatabaseSettings[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "****") + "]";
  }
}
