package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
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
import org.userman.server.support.TestServer;
import org.userman.testkit.TestDatabases;
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
      assertThat(s.get("/api/v1/me", token).status())
          .as("the same keys after a restart")
          .isEqualTo(200);
      assertThatThrownBy(() -> s.restartWith("USERMAN_KEYS_ENCRYPTION_KEY=" + OTHER_KEY))
          .hasMessageContaining("encryption key");
    }
  }

  @Test
  void a_server_database_needs_an_encryption_key_and_says_how_to_make_one() {
    Assumptions.assumeFalse(
        TestDatabases.isSqlite(), "the embedded database makes its own key file");
    try (TestServer s = TestServer.start()) {
      assertThatThrownBy(() -> s.restartWith("USERMAN_KEYS_ENCRYPTION_KEY="))
          .hasMessageContaining("keys.encryption_key_file")
          .hasMessageContaining("userman keys new-encryption-key");
      s.restartWith("USERMAN_KEYS_ENCRYPTION_KEY=" + TestServer.ENCRYPTION_KEY);
      assertThat(s.get("/health/ready", null).status()).isEqualTo(200);
    }
  }

  @Test
  void rate_limit_buckets_name_no_address_and_no_plain_hash_of_one() {
    Assumptions.assumeFalse(
        TestDatabases.isSqlite(), "on the embedded database the buckets live in memory");
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      s.login("ada@example.org");
      List<String> ids = s.column("SELECT id FROM rate_limit_buckets");
      assertThat(ids).as("a sign-in fills buckets").isNotEmpty();
      // whoever reads the table could hash every IPv4 address, or a list of addresses, and compare
      List<String> guesses =
          Stream.of("127.0.0.1", "ada@example.org", "login:ada@example.org")
              .map(org.userman.internal.Secrets::hash)
              .toList();
      for (String id : ids) {
        assertThat(id).doesNotContain("ada").doesNotContain("127.0.0.1");
        for (String guess : guesses) {
          assertThat(id).doesNotContain(guess).doesNotContain(guess.substring(0, 32));
        }
      }
    }
  }

  @Test
  void the_command_line_prints_a_new_key_that_a_node_accepts() throws IOException {
    CommandLine cl =
        RootCommand.commandLine(java.util.Map.of(), new ByteArrayInputStream(new byte[0]));
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    assertThat(cl.execute("keys", "new-encryption-key")).isZero();
    String key = out.toString().strip();
    assertThat(key).matches("[A-Za-z0-9_-]{43}");
    Path file = Files.createTempFile("userman-key", ".txt");
    Files.writeString(file, key + "\n");
    try (TestServer s =
        TestServer.start(
            "USERMAN_KEYS_ENCRYPTION_KEY=", "USERMAN_KEYS_ENCRYPTION_KEY_FILE=" + file)) {
      assertThat(s.get("/.well-known/jwks.json", null).status()).isEqualTo(200);
    }
  }

  @Test
  void keys_stored_in_clear_by_an_older_version_are_encrypted_at_the_first_start()
      throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      ECKey old = clearKey("0190a0a0-0000-7000-8000-0000000000aa");
      s.execute("DELETE FROM signing_keys"); // the database as the older version left it
      insertInClear(s, old);
      s.restart();
      String stored = s.column("SELECT jwk FROM signing_keys WHERE kid = ?", old.getKeyID()).get(0);
      assertThat(stored).doesNotContain("\"d\"");
      assertThat(s.get("/.well-known/jwks.json", null).raw()).contains(old.getKeyID());
    }
  }

  @Test
  void a_key_written_in_clear_beside_sealed_keys_is_neither_published_nor_trusted()
      throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String adaId = s.userman().accounts().findByEmail("ada@example.org").orElseThrow().id();
      ECKey planted = clearKey("0190a0a0-0000-7000-8000-0000000000bb");
      insertInClear(s, planted); // by whoever can write to the database but lacks the key
      s.restart();
      assertThat(s.get("/.well-known/jwks.json", null).raw()).doesNotContain(planted.getKeyID());
      String token = s.accessToken("ada@example.org");
      JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
      SignedJWT forged =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(planted.getKeyID()).build(),
              new JWTClaimsSet.Builder(claims).subject(adaId).build());
      forged.sign(new ECDSASigner(planted));
      assertThat(s.get("/api/v1/me", forged.serialize()).status()).isEqualTo(401);
      assertThat(s.get("/api/v1/me", token).status()).as("the real token").isEqualTo(200);
    }
  }

  private static ECKey clearKey(String kid) throws JOSEException {
    return new ECKeyGenerator(Curve.P_256)
        .keyID(kid)
        .keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.ES256)
        .generate();
  }

  private static void insertInClear(TestServer s, ECKey key) {
    s.execute(
        "INSERT INTO signing_keys (kid, algorithm, jwk, created_at, activates_at) VALUES (?, 'ES256', ?, ?, ?)",
        key.getKeyID(),
        key.toJSONString(),
        1L,
        1L);
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
        assertThat(all)
            .extracting(p -> p.getFileName().toString())
            .contains("userman.db", "userman.db-wal", "encryption.key", "backup.db", "outbox");
        for (Path p : all) {
          assertThat(mode(p))
              .as(p.toString())
              .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
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
      assertThat(s.column("SELECT details FROM audit_events"))
          .noneMatch(d -> d != null && d.contains("secret passphrase"));
      assertThat(events).as("a known account's name is kept as typed").contains("ada@example.org");
    }
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
