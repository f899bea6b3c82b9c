package org.userman.store;

import java.sql.SQLException;
import java.util.Locale;

/** The databases Userman runs on, told apart by their JDBC URL. */
public enum Dialect {
  SQLITE,
  POSTGRESQL,
  MARIADB;

  public static Dialect of(String jdbcUrl) {
    String url = jdbcUrl.toLowerCase(Locale.ROOT);
    if (url.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
      return MARIADB;
    }
    throw new IllegalArgumentException(
        "unsupported database URL (use jdbc:sqlite:, jdbc:postgresql: or jdbc:mariadb:)");
  }

  /** The suffix that makes a SELECT lock its rows; SQLite needs none, as its writers take turns. */
  public String forUpdate() {
    return this == SQLITE ? "" : " FOR UPDATE";
  }

  /**
   * The suffix that makes a SELECT lock its rows against a writer ({@link #forUpdate}) while other
   * readers that lock the same way go on.
   */
  public String forShare() {
    return switch (this) {
      case SQLITE -> "";
      case POSTGRESQL -> " FOR SHARE";
      case MARIADB -> " LOCK IN SHARE MODE";
    };
  }

  /** Whether {@code e} (or a cause) reports a unique-constraint violation. */
  public static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        String message = String.valueOf(sql.getMessage());
        if ("23505".equals(state)
            || sql.getErrorCode() == 1062
            || message.contains("UNIQUE constraint failed")
            || message.contains("SQLITE_CONSTRAINT_PRIMARYKEY")) {
          return true;
        }
      }
    }
    return false;
  }
}
