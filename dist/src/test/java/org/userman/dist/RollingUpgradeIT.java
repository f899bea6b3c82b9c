package org.userman.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userman.testkit.TestDatabases;

/**
 * A rolling upgrade as docs/operations.md describes it: a node of the previous release serves on a
 * fresh database, a node of this build starts on the same database and migrates it while the old
 * one takes traffic, both serve, then the old one is drained and stopped. No answer is a 5xx, every
 * acknowledged write is there afterwards, and sessions made on either node work on the other.
 */
class RollingUpgradeIT {
  private static final String JAVA_HOME = System.getProperty("java.home");
  private static PreviousRelease previous;
  private static Path previousJar;

  @BeforeAll
  static void buildPreviousRelease() throws Exception {
    Path root = Path.of(System.getProperty("userman.root"));
    previous = PreviousRelease.of(root);
    long started = System.nanoTime();
    previousJar =
        previous.serverJar(root, Path.of(System.getProperty("userman.previous.dir")), JAVA_HOME);
    System.out.printf(
        "userman tests: the previous release is %s (%s), ready in %d s%n",
        previous.version(),
        previous.commit(),
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgresql", "mariadb"})
  void
      a_node_of_this_build_joins_and_replaces_one_of_the_previous_release_with_no_error_and_no_lost_write(
          String kind, @TempDir Path tmp) throws Exception {
    TestDatabases.Server server = TestDatabases.server(kind);
    TestDatabases.Fresh db = TestDatabases.fresh(server);
    try {
      Map<String, String> env = settings(db);
      Path currentJar = Path.of(System.getProperty("userman.server.jar"));
      try (Node a = start(previousJar, env, tmp.resolve("a"));
          Traffic traffic = new Traffic(2)) {
        int portA = a.port(120);
        assertThat(a.get(portA, "/health/ready").statusCode()).as(a.output()).isEqualTo(200);
        String before = schemaVersion(db);
        traffic.route(portA, "A");
        traffic.awaitAnswers(40);

        // B migrates while A takes traffic
        long answeredByABefore = traffic.answers(portA);
        try (Node b = start(currentJar, env, tmp.resolve("b"))) {
          int portB = b.port(180);
          assertThat(b.get(portB, "/health/ready").statusCode()).as(b.output()).isEqualTo(200);
          String after = schemaVersion(db);
          long answeredByAAtReady = traffic.answers(portA);
          long answeredByADuring = answeredByAAtReady - answeredByABefore;

          traffic.route(portB, "B");
          traffic.awaitAnswers(120);
          long answeredByABeside = traffic.answers(portA) - answeredByAAtReady;

          // drain A, then stop it
          traffic.unroute(portA);
          a.stop();
          assertThat(a.ended(30, TimeUnit.SECONDS)).as(a.output()).isTrue();
          traffic.awaitAnswers(40);
          traffic.stop();

          Traffic.Check check = traffic.checkThrough(portB);
          System.out.printf(
              "userman tests: rolling upgrade on %s from %s (schema %s) to this build (schema %s):"
                  + " %s; A answered %d while B started and migrated, %d beside B; %s%n",
              kind,
              previous.version(),
              before,
              after,
              traffic.summary(),
              answeredByADuring,
              answeredByABeside,
              check);
          // A release with no migration since the previous one upgrades with none to run.
          assertThat(after).as("this build migrated the schema").isEqualTo(newestMigration(kind));
          assertThat(Integer.parseInt(after)).isGreaterThanOrEqualTo(Integer.parseInt(before));
          assertThat(answeredByADuring).as("A took traffic while B started").isPositive();
          assertThat(answeredByABeside).as("A served beside B").isPositive();
          assertThat(traffic.problems()).as(a.output() + "\n" + b.output()).isEmpty();
          assertThat(check.problems()).isEmpty();
          assertThat(check.sessionsOfOthers()).as("sessions of A used on B after A").isPositive();
          assertThat(traffic.crossed("A", "B")).as("sessions of A used on B").isPositive();
          assertThat(traffic.crossed("B", "A")).as("sessions of B used on A").isPositive();
        }
      }
    } finally {
      TestDatabases.drop(db);
    }
  }

  private static Map<String, String> settings(TestDatabases.Fresh db) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Map<String, String> env = new HashMap<>();
    env.put("USERMAN_HTTP_HOST", "127.0.0.1");
    env.put("USERMAN_HTTP_PORT", "0");
    env.put("USERMAN_PUBLIC_URL", "http://accounts.test");
    // PostgreSQL refuses to run a statement prepared before a migration added a column to a table
    // it reads all columns of ("cached plan must not change result type"): the driver retries it
    // (docs/operations.md, "Rolling upgrades")
    env.put(
        "USERMAN_DATABASE_URL",
        db.server().kind().equals("postgresql")
            ? db.url() + (db.url().contains("?") ? "&" : "?") + "autosave=conservative"
            : db.url());
    env.put("USERMAN_DATABASE_USER", db.server().user());
    if (db.server().password() != null) {
      env.put("USERMAN_DATABASE_PASSWORD", db.server().password());
    }
    env.put(
        "USERMAN_KEYS_ENCRYPTION_KEY", Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    env.put("USERMAN_REGISTRATION", "open");
    // the traffic signs in far more often from one address than the limits let a person
    env.put("USERMAN_LIMITS_ENABLED", "false");
    return env;
  }

  private static Node start(Path jar, Map<String, String> env, Path dir) throws Exception {
    Files.createDirectories(dir);
    Map<String, String> own = new HashMap<>(env);
    own.put("USERMAN_DATA_DIR", dir.resolve("data").toString());
    return Node.start(
        List.of(
            Path.of(JAVA_HOME, "bin", "java").toString(),
            "-XX:+UseSerialGC",
            "-Xmx256m",
            "--enable-native-access=ALL-UNNAMED",
            "-jar",
            jar.toString(),
            "serve"),
        own,
        dir.toFile());
  }

  /** The version of this build's newest migration for {@code kind}, from the migration index. */
  private static String newestMigration(String kind) throws java.io.IOException {
    Path index =
        Path.of(
            System.getProperty("userman.root"), "core/src/main/resources/db/index", kind + ".txt");
    return String.valueOf(
        Files.readAllLines(index).stream()
            .filter(line -> line.matches("V\\d+__.*"))
            .mapToInt(line -> Integer.parseInt(line.substring(1, line.indexOf("__"))))
            .max()
            .orElseThrow());
  }

  /** The newest version in the schema history. */
  private static String schemaVersion(TestDatabases.Fresh db) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(db.url(), db.server().user(), db.server().password());
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL")) {
      int newest = 0;
      while (rs.next()) {
        newest = Math.max(newest, Integer.parseInt(rs.getString(1)));
      }
      return String.valueOf(newest);
    }
  }
}
