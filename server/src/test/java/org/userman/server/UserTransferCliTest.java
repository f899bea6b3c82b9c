package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.CliRun.run;
import static org.userman.server.support.TestServer.obj;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userman.server.support.CliRun;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/** {@code users import} and {@code users export} beside a running server. */
class UserTransferCliTest {
  /** The PHP manual's password_verify() example: bcrypt of "rasmuslerdorf". */
  private static final String BCRYPT =
      "$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a";

  @TempDir Path dir;

  @Test
  void an_imported_user_signs_in_to_the_running_server_with_the_old_password() throws Exception {
    Path file = dir.resolve("users.jsonl");
    Files.writeString(
        file,
        "{\"email\":\"rasmus@example.org\",\"username\":\"rasmus\",\"password_hash\":\""
            + BCRYPT
            + "\"}\n"
            + "{\"email\":\"broken@example.org\",\"password_hash\":\"$2y$10$short\"}\n");
    try (TestServer s = TestServer.start()) {
      CliRun dry = run(s, "users", "import", file.toString(), "--dry-run");
      assertThat(dry.out()).contains("dry run: would import 1, skipped 0").contains("failed 1");
      assertThat(s.userman().accounts().findByEmail("rasmus@example.org")).isEmpty();

      CliRun imported = run(s, "users", "import", file.toString());

      assertThat(imported.exit()).as("a failed record fails the command").isEqualTo(1);
      assertThat(imported.out()).contains("imported 1, skipped 0").contains("failed 1");
      assertThat(imported.err())
          .contains("line 2: password_hash: malformed bcrypt hash")
          .contains("userman: 1 record(s) failed");
      Resp login =
          s.post("/api/v1/sessions", obj("username", "rasmus", "password", "rasmuslerdorf"));
      assertThat(login.status()).isEqualTo(201);
      assertThat(s.column("SELECT password_hash FROM users WHERE username = ?", "rasmus"))
          .singleElement()
          .asString()
          .startsWith("$argon2id$");

      CliRun again = run(s, "users", "import", file.toString());
      assertThat(again.out()).contains("imported 0, skipped 1");
    }
  }

  @Test
  void an_export_goes_to_a_file_only_its_owner_reads_and_imports_elsewhere() throws Exception {
    Path file = dir.resolve("users.jsonl");
    Files.writeString(
        file, "{\"email\":\"rasmus@example.org\",\"password_hash\":\"" + BCRYPT + "\"}\n");
    Path exported = dir.resolve("export.jsonl");
    try (TestServer s = TestServer.start()) {
      assertThat(run(s, "users", "import", file.toString()).exit()).isZero();

      CliRun export = run(s, "users", "export", "--output", exported.toString());

      assertThat(export.exit()).as(export.err()).isZero();
      assertThat(export.err()).contains("exported 1 users");
      assertThat(Files.readAllLines(exported)).singleElement().asString().contains(BCRYPT);
      if (Files.getFileStore(exported).supportsFileAttributeView("posix")) {
        assertThat(Files.getPosixFilePermissions(exported))
            .containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      }
      assertThat(run(s, "users", "export").out().lines().toList())
          .isEqualTo(Files.readAllLines(exported));
    }
    try (TestServer other = TestServer.start()) {
      CliRun imported = run(other, "users", "import", exported.toString());
      assertThat(imported.out()).contains("imported 1");
      assertThat(
              other
                  .post(
                      "/api/v1/sessions",
                      obj("email", "rasmus@example.org", "password", "rasmuslerdorf"))
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void without_a_terminal_progress_is_plain_lines_and_a_bad_format_is_named() throws Exception {
    Path file = dir.resolve("users.csv");
    Files.writeString(file, "email,name\na@example.org,A\nb@example.org,B\n");
    try (TestServer s = TestServer.start()) {
      CliRun csv = run(s, "users", "import", file.toString());
      assertThat(csv.exit()).as(csv.err()).isZero();
      assertThat(csv.out()).contains("imported 2");
      assertThat(csv.err()).doesNotContain("\r").doesNotContain("\u001b");

      CliRun bad = run(s, "users", "import", file.toString(), "--format", "xml");
      assertThat(bad.exit()).isNotZero();
      assertThat(bad.err()).contains("--format must be jsonl, csv or keycloak");
      CliRun missing = run(s, "users", "import", dir.resolve("none.jsonl").toString());
      assertThat(missing.err().strip()).isEqualTo("userman: no file " + dir.resolve("none.jsonl"));
      for (List<String> help :
          List.of(List.of("users", "import", "--help"), List.of("users", "export", "--help"))) {
        assertThat(run(s, help.toArray(String[]::new)).out()).contains("Usage: userman");
      }
    }
  }
}
