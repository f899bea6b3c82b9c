package org.userman.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database a test run uses, chosen by the system property {@code userman.test.db} (sqlite,
 * postgresql or mariadb; the build runs the suites once per database). A server database comes from
 * USERMAN_TEST_POSTGRES_URL / USERMAN_TEST_MARIADB_URL, else the server on its standard local port,
 * else an embedded one (also when USERMAN_TEST_EMBEDDED names it); each test node gets a fresh
 * database on it. The run prints which server it used, and never skips a database silently: with
 * none to be had, tests fail.
 */
public final class TestDatabases {
  /** A database server to create test databases on. */
  public record Server(String kind, String adminUrl, String user, String password, String origin) {}

  /** One fresh database: the settings a node needs, and how to drop it afterwards. */
  public record Fresh(Server server, String name, String url) {}

  private static final Map<String, Server> SERVERS = new ConcurrentHashMap<>();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern JDBC = Pattern.compile("(jdbc:[a-z]+://[^/?]+)(/[^?]*)?(\\?.*)?");

  private TestDatabases() {}

  public static String kind() {
    return System.getProperty("userman.test.db", "sqlite").toLowerCase(Locale.ROOT);
  }

  public static boolean isSqlite() {
    return kind().equals("sqlite");
  }

  /**
   * A fresh, empty database for one node (null under SQLite, whose file lives in the data folder).
   */
  public static Fresh fresh() {
    String kind = kind();
    if (kind.equals("sqlite")) {
      return null;
    }
    return fresh(server(kind));
  }

  /**
   * The server of the given kind (postgresql or mariadb) that runs of that kind use, found as they
   * find it, for a test that meets every server database in one run.
   */
  public static Server server(String kind) {
    return SERVERS.computeIfAbsent(kind.toLowerCase(Locale.ROOT), TestDatabases::find);
  }

  /** A fresh, empty database on the given server. */
  public static Fresh fresh(Server server) {
    String kind = server.kind();
    String name = "um_" + HexFormat.of().formatHex(bytes(6));
    execute(
        server,
        kind.equals("postgresql")
            ? "CREATE DATABASE " + name
            : "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    return new Fresh(server, name, withDatabase(server.adminUrl(), name));
  }

  public static void drop(Fresh fresh) {
    if (fresh != null) {
      execute(
          fresh.server(),
          fresh.server().kind().equals("postgresql")
              ? "DROP DATABASE IF EXISTS " + fresh.name() + " WITH (FORCE)"
              : "DROP DATABASE IF EXISTS " + fresh.name());
    }
  }

  private static Server find(String kind) {
    Server s =
        switch (kind) {
          case "postgresql" ->
              configuredOrLocal(
                  "USERMAN_TEST_POSTGRES",
                  "jdbc:postgresql://127.0.0.1:5432/postgres",
                  "postgres",
                  5432,
                  kind);
          case "mariadb" ->
              configuredOrLocal(
                  "USERMAN_TEST_MARIADB", "jdbc:mariadb://127.0.0.1:3306/", "root", 3306, kind);
          default ->
              throw new IllegalArgumentException(
                  "userman.test.db must be sqlite, postgresql or mariadb, not " + kind);
        };
    System.out.println("userman tests: " + kind + " from " + s.origin());
    return s;
  }

  private static Server configuredOrLocal(
      String prefix, String localUrl, String localUser, int port, String kind) {
    String url = System.getenv(prefix + "_URL");
    if (url != null && !url.isBlank()) {
      return new Server(
          kind,
          url,
          System.getenv(prefix + "_USER"),
          System.getenv(prefix + "_PASSWORD"),
          prefix + "_URL (" + redact(url) + ")");
    }
    if (embeddedForced(kind)) {
      return EmbeddedServers.start(kind);
    }
    if (answers("127.0.0.1", port)) {
      return new Server(kind, localUrl, localUser, null, "the local server at 127.0.0.1:" + port);
    }
    return EmbeddedServers.start(kind);
  }

  private static volatile String redis;

  /**
   * A Redis for the shared rate limits: USERMAN_TEST_REDIS_URL, else the one on 127.0.0.1:6379,
   * else an embedded one. Each test node gets its own key prefix, so runs never meet.
   */
  public static synchronized String redisUrl() {
    if (redis == null) {
      String configured = System.getenv("USERMAN_TEST_REDIS_URL");
      String origin;
      if (configured != null && !configured.isBlank()) {
        redis = configured;
        origin = "USERMAN_TEST_REDIS_URL";
      } else if (!embeddedForced("redis") && answers("127.0.0.1", 6379)) {
        redis = "redis://127.0.0.1:6379/0";
        origin = "the local server at 127.0.0.1:6379";
      } else {
        redis = EmbeddedServers.redis();
        origin = "an embedded server at " + redis;
      }
      System.out.println("userman tests: redis from " + origin);
    }
    return redis;
  }

  /** Starts an embedded server of the run's kind, whatever the run itself uses. */
  public static Server embedded() {
    return EmbeddedServers.start(kind());
  }

  /**
   * USERMAN_TEST_EMBEDDED=postgresql,mariadb (or all) uses embedded servers even where local ones
   * answer.
   */
  private static boolean embeddedForced(String kind) {
    String forced = System.getenv("USERMAN_TEST_EMBEDDED");
    return forced != null && (forced.equals("all") || List.of(forced.split(",")).contains(kind));
  }

  static boolean answers(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String withDatabase(String url, String database) {
    Matcher m = JDBC.matcher(url);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a JDBC URL of a server: " + redact(url));
    }
    return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
  }

  private static void execute(Server server, String sql) {
    try (Connection c =
            DriverManager.getConnection(server.adminUrl(), server.user(), server.password());
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot run '" + sql + "' on the " + server.kind() + " test server: " + e.getMessage(),
          e);
    }
  }

  private static String redact(String url) {
    return url.replaceAll("password=[^&]*", "password=****");
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
