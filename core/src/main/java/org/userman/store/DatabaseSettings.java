package org.userman.store;

import java.nio.file.Path;
import java.time.Duration;
import org.userman.common.InvalidSettingException;

/**
 * Where the data lives and how to reach it; {@code user} and {@code password} may be null. With
 * {@code migrate} false the schema is left to {@code userman db migrate}, and opening a database
 * whose schema is behind fails. {@code listenForChanges} (PostgreSQL and MariaDB) lets nodes keep
 * what requests read in memory, and makes every write transaction count itself (docs/operations.md
 * says how). The settings check themselves when made.
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

  public DatabaseSettings {
    if (url == null || url.isBlank()) {
      throw new InvalidSettingException("database.url", "is required");
    }
    try {
      Dialect.of(url);
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException(
          "database.url", "must be a jdbc:sqlite:, jdbc:postgresql: or jdbc:mariadb: URL");
    }
    if (poolSize < 1) {
      throw new InvalidSettingException("database.pool_size", "must be at least 1");
    }
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new InvalidSettingException("database.timeout", "must be a positive duration");
    }
    if (busyTimeout == null || busyTimeout.isNegative() || busyTimeout.isZero()) {
      throw new InvalidSettingException("database.busy_timeout", "must be a positive duration");
    }
  }

  public static DatabaseSettings sqlite(Path file) {
    return new DatabaseSettings(
        "jdbc:sqlite:" + file.toAbsolutePath(),
        null,
        null,
        4,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        true,
        false);
  }

  public DatabaseSettings withMigrate(boolean migrate) {
    return new DatabaseSettings(
        url, user, password, poolSize, connectTimeout, busyTimeout, migrate, listenForChanges);
  }

  @Override
  public String toString() {
    return "DatabaseSettings[url="
        + url
        + ", user="
        + user
        + ", password="
        + (password == null ? "none" : "****")
        + "]";
  }
}
