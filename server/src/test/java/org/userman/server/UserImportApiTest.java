package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/** POST /api/v1/users/import: the command line's import, for an admin's automation. */
class UserImportApiTest {
  /** The PHP manual's password_verify() example: bcrypt of "rasmuslerdorf". */
  private static final String BCRYPT =
      "$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a";

  private static final String FILE =
      "{\"email\":\"rasmus@example.org\",\"roles\":[\"support\"],\"password_hash\":\""
          + BCRYPT
          + "\"}\n"
          + "{\"email\":\"md5@example.org\",\"password_hash\":\"$1$abc$def\"}\n";

  @Test
  void an_admin_imports_users_who_then_sign_in_with_their_old_passwords() {
    try (TestServer s = TestServer.start()) {
      String admin = s.adminToken("root@example.org");
      s.roles("support");

      Resp dry =
          s.send(
              "POST",
              "/api/v1/users/import?dry_run=true",
              "application/x-ndjson",
              FILE,
              "Authorization",
              "Bearer " + admin);
      assertThat(dry.status()).isEqualTo(200);
      assertThat(dry.json().path("dry_run").asBoolean()).isTrue();
      assertThat(dry.json().path("imported").asLong()).isEqualTo(1);
      assertThat(
              s.post(
                      "/api/v1/sessions",
                      obj("email", "rasmus@example.org", "password", "rasmuslerdorf"))
                  .status())
          .isEqualTo(401);

      Resp done =
          s.send(
              "POST",
              "/api/v1/users/import",
              "application/x-ndjson",
              FILE,
              "Authorization",
              "Bearer " + admin);

      assertThat(done.status()).isEqualTo(200);
      assertThat(done.json().path("imported").asLong()).isEqualTo(1);
      assertThat(done.json().path("failed").asLong()).isEqualTo(1);
      assertThat(done.json().path("problems").get(0).path("line").asLong()).isEqualTo(2);
      assertThat(done.json().path("problems").get(0).path("outcome").asText()).isEqualTo("failed");
      assertThat(done.json().path("problems").get(0).path("reason").asText())
          .isEqualTo("password_hash: unknown hash format");
      assertThat(
              s.post(
                      "/api/v1/sessions",
                      obj("email", "rasmus@example.org", "password", "rasmuslerdorf"))
                  .status())
          .isEqualTo(201);
      Resp events = s.get("/api/v1/audit-events?type=imported", admin);
      assertThat(events.json().path("items")).hasSize(1);

      Resp again =
          s.send(
              "POST",
              "/api/v1/users/import",
              "application/x-ndjson",
              FILE,
              "Authorization",
              "Bearer " + admin);
      assertThat(again.json().path("skipped").asLong()).isEqualTo(1);
    }
  }

  @Test
  void only_admins_import_and_the_body_must_be_the_formats_media_type() {
    try (TestServer s = TestServer.start()) {
      s.registerActive("ada@example.org");
      String user = s.accessToken("ada@example.org");
      String admin = s.adminToken("root@example.org");

      assertThat(s.send("POST", "/api/v1/users/import", "application/x-ndjson", FILE).status())
          .isEqualTo(401);
      assertThat(
              s.send(
                      "POST",
                      "/api/v1/users/import",
                      "application/x-ndjson",
                      FILE,
                      "Authorization",
                      "Bearer " + user)
                  .status())
          .isEqualTo(403);
      Resp wrongType =
          s.send(
              "POST",
              "/api/v1/users/import?format=csv",
              "application/x-ndjson",
              FILE,
              "Authorization",
              "Bearer " + admin);
      assertThat(wrongType.status()).isEqualTo(415);
      Resp badFormat =
          s.send(
              "POST",
              "/api/v1/users/import?format=xml",
              "application/x-ndjson",
              FILE,
              "Authorization",
              "Bearer " + admin);
      assertThat(badFormat.status()).isEqualTo(400);
      Resp csv =
          s.send(
              "POST",
              "/api/v1/users/import?format=csv",
              "text/csv",
              "email,name\nbob@example.org,Bob\n",
              "Authorization",
              "Bearer " + admin);
      assertThat(csv.json().path("imported").asLong()).isEqualTo(1);
      assertThat(s.userman().accounts().findByEmail("ada@example.org")).isPresent();
      assertThat(s.userman().accounts().findByEmail("md5@example.org")).isEmpty();
    }
  }
}
