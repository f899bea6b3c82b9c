package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.userman.server.cli.RootCommand;
import org.userman.testkit.TestDatabases;
import org.userman.server.support.TestServer;
import picocli.CommandLine;

/** What Userman keeps is readable by Userman only: encrypted signing keys, private files. */
class SecretsAtRestTest {
  private static final String OTHER_KEY = "b3RoZXIga2V5OiBub3QgdGhlIG9uZSB3aG8gc2VhbHM";

  @Test
  void signing_keys_are_stored_encrypted_and_open_only_with_their_key() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      List<String> stored = s.column("SELECT jwk FROM signing_keys");
      assertThat(stored).isNotEmpty();
      for (String jwk : stored) {
        assertThat(jwk).doesNotContain("\"d\"").doesNotContain("\"kty\"");
      }
      s.restart();
      assertThat(s.get("/api/v1/me", token).status()).as("the same keys after a restart").isEqualTo(200);
      assertThatThrownBy(() -> s.restartWith("USERMAN_KEYS_ENCRYPTION_KEY=" + OTHER_KEY))
          .hasMessageContaining("encryption key");
    }
  }

  @Test
  void a_server_database_needs_an_encryption_key_and_says_how_to_make_one() {
    Assumptions.assumeFalse(TestDatabases.isSqlite(), "the embedded database makes its own key file");
    try (TestServer s = TestServer.start()) {
      assertThatThrownBy(() -> s.restartWith("USERMAN_KEYS_ENCRYPTION_KEY="))
          .hasMessageContaining("keys.encryption_key_file")
          .hasMessageContaining("userman keys new-encryption-key");
      s.restartWith("USERMAN_KEYS_ENCRYPTION_KEY=" + TestServer.ENCRYPTION_KEY);
      assertThat(s.get("/health/ready", null).status()).isEqualTo(200);
    }
  }

  @Test
  void the_command_line_prints_a_new_key_that_a_node_accepts() throws IOException {
    CommandLine cl = RootCommand.commandLine(java.util.Map.of(), new ByteArrayInputStream(new byte[0]));
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    assertThat(cl.execute("keys", "new-encryption-key")).isZero();
    String key = out.toString().strip();
    assertThat(key).matches("[A-Za-z0-9_-]{43}");
    Path file = Files.createTempFile("userman-key", ".txt");
    Files.writeString(file, key + "\n");
    try (TestServer s = TestServer.start("USERMAN_KEYS_ENCRYPTION_KEY=", "USERMAN_KEYS_ENCRYPTION_KEY_FILE=" + file)) {
      assertThat(s.get("/.well-known/jwks.json", null).status()).isEqualTo(200);
    }
  }

  @Test
  void keys_stored_in_clear_by_an_older_version_are_encrypted_at_the_first_start() throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      ECKey old = new ECKeyGenerator(Curve.P_256).keyID("0190a0a0-0000-7000-8000-0000000000aa").keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256).generate();
      s.execute("INSERT INTO signing_keys (kid, algorithm, jwk, created_at, activates_at) VALUES (?, 'ES256', ?, ?, ?)",
          old.getKeyID(), old.toJSONString(), 1L, 1L);
      s.restart();
      String stored = s.column("SELECT jwk FROM signing_keys WHERE kid = ?", old.getKeyID()).get(0);
      assertThat(stored).doesNotContain("\"d\"");
      assertThat(s.get("/.well-known/jwks.json", null).raw()).contains(old.getKeyID());
    }
  }

  @Test
  void the_data_folder_and_its_files_are_private_to_the_service() throws Exception {
    Assumptions.assumeTrue(TestDatabases.isSqlite(), "the embedded database's files");
    Path dir = Files.createTempDirectory("userman-private").resolve("data");
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_DATA_DIR=" + dir)) {
      s.register("ada@example.org");
      s.lastToken("ada@example.org");
      CommandLine cl = RootCommand.commandLine(s.env(), new ByteArrayInputStream(new byte[0]));
      cl.setOut(new PrintWriter(new StringWriter(), true));
      assertThat(cl.execute("db", "backup", dir.resolve("backup.db").toString())).isZero();
      assertThat(mode(dir)).isEqualTo("rwx------");
      try (Stream<Path> files = Files.walk(dir)) {
        List<Path> all = files.filter(p -> !p.equals(dir)).toList();
        assertThat(all).extracting(p -> p.getFileName().toString())
            .contains("userman.db", "userman.db-wal", "encryption.key", "backup.db", "outbox");
        for (Path p : all) {
          assertThat(mode(p)).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
        }
      }
    }
  }

  @Test
  void a_failed_sign_in_of_an_unknown_name_keeps_a_keyed_hash_of_what_was_typed() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      // a password typed into the login box by mistake
      s.post("/api/v1/sessions", obj("username", "my secret passphrase", "password", PASSWORD));
      s.post("/api/v1/sessions", obj("email", "ada@example.org", "password", "wrong password"));
      String admin = s.adminToken("root@example.org");
      String events = s.get("/api/v1/audit-events?type=login_failed", admin).raw();
      assertThat(events).doesNotContain("my secret passphrase").contains("login_hash");
      assertThat(s.column("SELECT details FROM audit_events")).noneMatch(d -> d != null && d.contains("secret passphrase"));
      assertThat(events).as("a known account's name is kept as typed").contains("ada@example.org");
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
