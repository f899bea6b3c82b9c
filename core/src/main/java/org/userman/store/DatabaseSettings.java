package org.userman.store;

import java.nio.file.Path;
import java.time.Duration;

/** Where the data lives and how to reach it; {@code user} and {@code password} may be null. */
public record DatabaseSettings(
    String url, String user, String password, int poolSize, Duration connectTimeout, Duration busyTimeout) {

  public static DatabaseSettings sqlite(Path file) {
    return new DatabaseSettings(
        "jdbc:sqlite:" + file.toAbsolutePath(), null, null, 4, Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @Override
  public String toString() {
    return "DatabaseSettings[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "****") + "]";
  }
}
