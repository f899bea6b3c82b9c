package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.CliRun.run;
import static org.userman.server.support.CliRun.runWithInput;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.userman.server.support.CliRun;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * The service-accounts commands and {@code init}, run against the database a running server uses:
 * what they print works against the server at once.
 */
class ServiceAccountCliTest {
  private static final Pattern CLIENT_ID = Pattern.compile("client_id: (\\S+)");
  private static final Pattern SECRET = Pattern.compile("client_secret: (umsa_\\S+)");

  private static String group(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  private static Resp grant(TestServer s, String out) {
    return s.send(
        "POST",
        "/oauth2/token",
        "application/x-www-form-urlencoded",
        "grant_type=client_credentials&client_id="
            + group(CLIENT_ID, out)
            + "&client_secret="
            + group(SECRET, out));
  }

  @Test
  void commands_create_list_make_secrets_revoke_and_delete_service_accounts() {
    try (TestServer s = TestServer.start()) {
      CliRun created =
          run(s, "service-accounts", "create", "billing", "--role", "admin", "--secret");
      assertThat(created.exit()).as(created.err()).isZero();
      assertThat(created.out()).contains("created").contains("billing").contains("admin");
      Resp granted = grant(s, created.out());
      assertThat(granted.status()).as(granted.raw()).isEqualTo(200);
      String id = group(CLIENT_ID, created.out());

      CliRun twice = run(s, "service-accounts", "create", "billing");
      assertThat(twice.exit()).isNotZero();
      assertThat(twice.err()).contains("A service account of this name exists");
      CliRun list = run(s, "service-accounts", "list", "--json");
      assertThat(list.out()).contains("\"name\" : \"billing\"").doesNotContain("umsa_");

      CliRun second = run(s, "service-accounts", "new-secret", id, "--name", "rotation");
      assertThat(second.exit()).as(second.err()).isZero();
      assertThat(grant(s, second.out()).status()).isEqualTo(200);
      String secretId =
          s.get(
                  "/api/v1/service-accounts/" + id + "/secrets",
                  grant(s, second.out()).text("access_token"))
              .json()
              .path("items")
              .get(1)
              .path("id")
              .asText();
      CliRun revoked = run(s, "service-accounts", "revoke-secret", id, secretId);
      assertThat(revoked.exit()).as(revoked.err()).isZero();
      assertThat(grant(s, second.out()).status()).isEqualTo(401);
      assertThat(grant(s, created.out()).status()).isEqualTo(200);

      assertThat(run(s, "service-accounts", "delete", id).exit()).isZero();
      assertThat(grant(s, created.out()).status()).isEqualTo(401);
      assertThat(run(s, "service-accounts", "delete", id).err())
          .contains("No such service account");
    }
  }

  @Test
  void init_creates_the_first_admin_and_a_service_account_once_and_then_changes_nothing()
      throws Exception {
    try (TestServer s = TestServer.start()) {
      String[] args = {
        "init",
        "--admin-email",
        "root@example.org",
        "--password-stdin",
        "--service-account",
        "reports",
        "--service-account-role",
        "reports:read"
      };
      CliRun first = runWithInput(s, TestServer.PASSWORD + "\n", args);
      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(first.out())
          .contains("created admin root@example.org")
          .contains("created role reports:read")
          .contains("created service account reports");
      assertThat(s.login("root@example.org").path("user").path("roles").toString())
          .isEqualTo("[\"admin\"]");
      Resp token = grant(s, first.out());
      assertThat(token.status()).as(token.raw()).isEqualTo(200);
      assertThat(token.text("scope")).isEqualTo("reports:read");

      CliRun again = runWithInput(s, "", args);
      assertThat(again.exit()).as(again.err()).isZero();
      assertThat(again.out())
          .contains("admin root@example.org exists; unchanged")
          .contains("service account reports exists")
          .doesNotContain("umsa_");
      assertThat(s.column("SELECT id FROM users")).hasSize(1);
      assertThat(s.column("SELECT id FROM client_secrets")).hasSize(1);

      // the password may come from a file; a user who is not an admin is not made one
      Path file = Files.createTempFile(s.dataDir, "password", ".txt");
      Files.writeString(file, TestServer.PASSWORD + "\n");
      s.register("ada@example.org");
      CliRun notAdmin =
          run(s, "init", "--admin-email", "ada@example.org", "--password-file", file.toString());
      assertThat(notAdmin.exit()).isNotZero();
      assertThat(notAdmin.err()).contains("is not an admin");
      CliRun fromFile =
          run(s, "init", "--admin-email", "ops@example.org", "--password-file", file.toString());
      assertThat(fromFile.exit()).as(fromFile.err()).isZero();
      assertThat(s.login("ops@example.org").path("user").path("roles").toString())
          .isEqualTo("[\"admin\"]");
      assertThat(run(s, "init", "--admin-email", "x@example.org").exit()).isNotZero();
    }
  }
}
