package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.userman.server.support.CliRun.run;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.userman.common.UsermanException;
import org.userman.server.cli.RootCommand;
import org.userman.server.support.CliRun;
import org.userman.server.support.TestServer;
import org.userman.testkit.TestDatabases;
import picocli.CommandLine;

/** Key rotation, schema versions and backups: what operators do to a running service. */
class OperationsTest {

  private static Set<String> kids(TestServer s) {
    Set<String> kids = new TreeSet<>();
    s.get("/.well-known/jwks.json", null)
        .json()
        .path("keys")
        .forEach(k -> kids.add(k.path("kid").asText()));
    return kids;
  }

  private static String kidOf(String jwt) throws Exception {
    return com.nimbusds.jwt.SignedJWT.parse(jwt).getHeader().getKeyID();
  }

  @Test
  void rotation_publishes_the_new_key_first_and_keeps_the_old_one_until_its_tokens_expire()
      throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String before = s.accessToken("ada@example.org");
      String oldKid = kidOf(before);

      String newKid = s.userman().signingKeys().rotate(Duration.ofMinutes(10)).kid();
      assertThat(kids(s)).containsExactlyInAnyOrder(oldKid, newKid);
      assertThat(kidOf(s.accessToken("ada@example.org")))
          .as("not signing before its time")
          .isEqualTo(oldKid);

      s.clock.advance(Duration.ofMinutes(10).plusSeconds(1));
      String after = s.accessToken("ada@example.org");
      assertThat(kidOf(after)).isEqualTo(newKid);
      assertThat(s.get("/api/v1/me", before).status())
          .as("old key still verifies its live tokens")
          .isEqualTo(200);
      assertThat(kids(s)).containsExactlyInAnyOrder(oldKid, newKid);

      s.clock.advance(Duration.ofMinutes(17));
      assertThat(kids(s)).containsExactly(newKid);
      assertThat(s.get("/api/v1/me", after).status()).isEqualTo(401);
      assertThat(s.get("/api/v1/me", s.accessToken("ada@example.org")).status()).isEqualTo(200);
    }
  }

  @Test
  void keys_commands_rotate_and_list() {
    try (TestServer s = TestServer.start()) {
      CliRun rotate = run(s, "keys", "rotate", "--now");
      assertThat(rotate.exit()).as(rotate.err()).isZero();
      CliRun list = run(s, "keys", "list");
      assertThat(list.out().lines()).hasSize(2);
      assertThat(list.out()).contains("signing");
    }
  }

  @Test
  void db_commands_report_migrate_and_back_up() throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      CliRun status = run(s, "db", "status");
      assertThat(status.exit()).as(status.err()).isZero();
      assertThat(status.out())
          .containsPattern("schema version: [1-9][0-9]*")
          .contains("pending: none");
      CliRun migrate = run(s, "db", "migrate");
      assertThat(migrate.out()).contains("0 migration(s) ran");

      Path file = s.dataDir.resolve("backup.db");
      CliRun backup = run(s, "db", "backup", file.toString());
      if (TestDatabases.isSqlite()) {
        assertThat(backup.exit()).as(backup.err()).isZero();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
            ResultSet rs = c.createStatement().executeQuery("SELECT email FROM users")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("ada@example.org");
        }
        assertThat(run(s, "db", "backup", file.toString()).err()).contains("exists");
      } else {
        assertThat(backup.exit()).isNotZero();
        assertThat(backup.err()).containsAnyOf("pg_dump", "mariadb-dump");
        assertThat(Files.exists(file)).isFalse();
      }
    }
  }

  @Test
  void a_node_refuses_a_schema_newer_than_itself() {
    try (TestServer s = TestServer.start()) {
      s.execute(
          "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
              + " installed_by, execution_time, success) VALUES (99, '999', 'future', 'SQL', 'V999__future.sql', 0, 'test', 0, true)");
      UsermanException e = assertThrows(UsermanException.class, s::restart);
      assertThat(e.getMessage()).contains("newer than this Userman");
      assertThat(e.getMessage()).contains("999");
    }
  }

  @Test
  void with_migrations_left_to_operators_a_node_waits_for_db_migrate() throws Exception {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    env.put("USERMAN_HTTP_PORT", "0");
    env.put("USERMAN_DATA_DIR", Files.createTempDirectory("userman-migrate").toString());
    env.put("USERMAN_DATABASE_MIGRATE", "false");
    TestDatabases.Fresh db = TestDatabases.fresh();
    try {
      if (db != null) {
        env.put("USERMAN_DATABASE_URL", db.url());
        env.put(
            "USERMAN_KEYS_ENCRYPTION_KEY", org.userman.server.support.TestServer.ENCRYPTION_KEY);
        if (db.server().user() != null) {
          env.put("USERMAN_DATABASE_USER", db.server().user());
        }
      }
      var config = org.userman.server.config.ConfigLoader.load(null, env);
      UsermanException e =
          assertThrows(
              UsermanException.class, () -> org.userman.server.node.UsermanServer.start(config));
      assertThat(e.getMessage()).contains("userman db migrate");

      CommandLine cl = RootCommand.commandLine(env, new ByteArrayInputStream(new byte[0]));
      StringWriter out = new StringWriter();
      cl.setOut(new PrintWriter(out, true));
      assertThat(cl.execute("db", "migrate")).isZero();
      // from an empty database every migration runs: as many as the version reached
      assertThat(out.toString())
          .matches("(?s)migrated: (\\d+) migration\\(s\\) ran; schema at version \\1\\s*");
      try (var server = org.userman.server.node.UsermanServer.start(config)) {
        assertThat(server.userman().storage().isReady(Duration.ofSeconds(2))).isTrue();
      }
    } finally {
      TestDatabases.drop(db);
    }
  }
}
