package org.userman.store.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.userman.store.DatabaseSettings;
import org.userman.store.Dialect;
import org.userman.testkit.TestDatabases;

/**
 * A fresh, empty database of the run's kind ({@code userman.test.db}) for one test: an SQLite file
 * in a folder of its own, or a new database on the run's PostgreSQL or MariaDB server (see {@link
 * TestDatabases}). Dropped, or deleted, at {@link #close}.
 */
public final class FreshDatabase implements AutoCloseable {
  private final Path dir;
  private final TestDatabases.Fresh server;
  private final DatabaseSettings settings;

  private FreshDatabase(Path dir, TestDatabases.Fresh server, DatabaseSettings settings) {
    this.dir = dir;
    this.server = server;
    this.settings = settings;
  }

  public static FreshDatabase create() {
    TestDatabases.Fresh server = TestDatabases.fresh();
    if (server != null) {
      return new FreshDatabase(
          null,
          server,
          new DatabaseSettings(
              server.url(),
              server.server().user(),
              server.server().password(),
              10,
              Duration.ofSeconds(5),
              Duration.ofSeconds(10),
              true,
              true));
    }
    try {
      Path dir = Files.createTempDirectory("userman-core-test");
      return new FreshDatabase(dir, null, DatabaseSettings.sqlite(dir.resolve("userman.db")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** As a node's, with migrations at start and the change watch on. */
  public DatabaseSettings settings() {
    return settings;
  }

  /**
   * The settings with {@code database.listen_for_changes} as given (SQLite is watched whatever it
   * says).
   */
  public DatabaseSettings settings(boolean listenForChanges) {
    DatabaseSettings s = settings;
    return new DatabaseSettings(
        s.url(),
        s.user(),
        s.password(),
        s.poolSize(),
        s.connectTimeout(),
        s.busyTimeout(),
        s.migrate(),
        listenForChanges);
  }

  public Dialect dialect() {
    return Dialect.of(settings.url());
  }

  /** A plain connection of its own, in autocommit, as another process's. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(settings.url(), settings.user(), settings.password());
  }

  /** Runs one statement on a connection of its own; returns the rows it changed. */
  public int execute(String sql, Object... params) {
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      return st.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The first column of the one row {@code sql} selects, as a number (null for none or SQL NULL).
   */
  public Long number(String sql, Object... params) {
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        long n = rs.getLong(1);
        return rs.wasNull() ? null : n;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The database's time plus {@code millis}, in SQL, as the lease rows hold it. */
  public String databaseTimePlus(long millis) {
    return dialect() == Dialect.POSTGRESQL
        ? "now() + interval '" + millis + " milliseconds'"
        : "UTC_TIMESTAMP(6) + INTERVAL " + millis * 1_000 + " MICROSECOND";
  }

  @Override
  public void close() {
    TestDatabases.drop(server);
    if (dir != null) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
