package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * Every account event is recorded with who, whom, where from and how it went, and never a secret.
 */
class AuditTest {

  @Test
  void sign_ins_and_failures_are_recorded_and_the_user_sees_their_own_events() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String id = s.register("ada@example.org").path("id").asText();
      s.register("bob@example.org");
      assertThat(
              s.post(
                      "/api/v1/sessions",
                      obj("email", "ada@example.org", "password", "wrong password 123"))
                  .status())
          .isEqualTo(401);
      assertThat(
              s.post("/api/v1/sessions", obj("email", "nobody@example.org", "password", PASSWORD))
                  .status())
          .isEqualTo(401);
      String token = s.accessToken("ada@example.org");

      Resp mine = s.get("/api/v1/me/events", token);
      assertThat(mine.status()).isEqualTo(200);
      List<String> types = mine.json().path("items").findValuesAsText("type");
      assertThat(types).containsExactly("login_succeeded", "login_failed", "registered");
      JsonNode failed = mine.json().path("items").get(1);
      assertThat(failed.path("outcome").asText()).isEqualTo("failure");
      assertThat(failed.path("subject_id").asText()).isEqualTo(id);
      assertThat(failed.path("actor_id").isNull()).isTrue();
      assertThat(failed.path("ip").asText()).isEqualTo("127.0.0.1");
      assertThat(failed.path("user_agent").asText()).isNotEmpty();
      assertThat(failed.path("details").path("reason").asText()).isEqualTo("wrong_password");
      JsonNode succeeded = mine.json().path("items").get(0);
      assertThat(succeeded.path("outcome").asText()).isEqualTo("success");
      assertThat(succeeded.path("actor_id").asText()).isEqualTo(id);

      String admin = s.adminToken("root@example.org");
      Resp unknown = s.get("/api/v1/audit-events?type=login_failed", admin);
      assertThat(unknown.json().path("items")).hasSize(2);
      JsonNode unknownLogin = unknown.json().path("items").get(0);
      assertThat(unknownLogin.path("subject_id").isNull()).isTrue();
      assertThat(unknownLogin.path("details").path("reason").asText()).isEqualTo("unknown_account");
      assertThat(unknown.raw()).doesNotContain(PASSWORD, "wrong password 123");
      assertThat(s.get("/api/v1/audit-events", admin).raw())
          .doesNotContain(PASSWORD, "wrong password 123");
    }
  }

  @Test
  void admin_actions_name_the_admin_and_the_account_they_changed() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=approve")) {
      String id = s.register("ada@example.org").path("id").asText();
      String admin = s.adminToken("root@example.org");
      String adminId = s.get("/api/v1/me", admin).json().path("id").asText();
      s.roles("editor");
      assertThat(s.call("PATCH", "/api/v1/users/" + id, obj("status", "active"), admin).status())
          .isEqualTo(200);
      assertThat(
              s.call("PATCH", "/api/v1/users/" + id, obj("roles", List.of("editor")), admin)
                  .status())
          .isEqualTo(200);
      assertThat(s.call("PATCH", "/api/v1/users/" + id, obj("status", "disabled"), admin).status())
          .isEqualTo(200);
      assertThat(s.call("DELETE", "/api/v1/users/" + id, null, admin).status()).isEqualTo(204);

      Resp events = s.get("/api/v1/audit-events?user_id=" + id, admin);
      assertThat(events.json().path("items").findValuesAsText("type"))
          .containsExactly("deleted", "disabled", "roles_changed", "approved", "registered")
          .doesNotContain("login_succeeded");
      for (JsonNode e : events.json().path("items")) {
        assertThat(e.path("subject_id").asText()).isEqualTo(id);
        if (!e.path("type").asText().equals("registered")) {
          assertThat(e.path("actor_id").asText()).as(e.toString()).isEqualTo(adminId);
        }
      }
      assertThat(events.json().path("items").get(2).path("details").path("roles").asText())
          .isEqualTo("editor");
    }
  }

  @Test
  void the_listing_filters_by_type_and_time_and_pages_newest_first() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      for (int i = 0; i < 5; i++) {
        s.register("user" + i + "@example.org");
      }
      String since = s.clock.instant().plusSeconds(60).toString();
      s.clock.advance(Duration.ofMinutes(2));
      s.register("late@example.org");

      List<String> ids = new ArrayList<>();
      String cursor = null;
      do {
        Resp page =
            s.get(
                "/api/v1/audit-events?type=registered&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor),
                admin);
        assertThat(page.status()).isEqualTo(200);
        page.json().path("items").forEach(e -> ids.add(e.path("id").asText()));
        cursor =
            page.json().path("next_cursor").isNull()
                ? null
                : page.json().path("next_cursor").asText();
      } while (cursor != null);
      // five users, the late one, and the admin (created as on the command line)
      assertThat(ids)
          .hasSize(7)
          .doesNotHaveDuplicates()
          .isSortedAccordingTo(java.util.Comparator.reverseOrder());

      assertThat(
              s.get("/api/v1/audit-events?type=registered&since=" + since, admin)
                  .json()
                  .path("items"))
          .hasSize(1);
      assertThat(
              s.get("/api/v1/audit-events?type=registered&until=" + since, admin)
                  .json()
                  .path("items"))
          .hasSize(6);

      for (String bad :
          List.of("type=nonsense", "since=yesterday", "limit=0", "cursor=xyz", "user_id=../x")) {
        Resp r = s.get("/api/v1/audit-events?" + bad, admin);
        assertThat(r.status()).as(bad).isEqualTo(400);
        assertThat(r.code()).isEqualTo("validation_failed");
      }
      String user = s.accessToken("late@example.org");
      assertThat(s.get("/api/v1/audit-events", user).code()).isEqualTo("forbidden");
      assertThat(s.get("/api/v1/audit-events", null).status()).isEqualTo(401);
      assertThat(s.get("/api/v1/me/events", null).status()).isEqualTo(401);
    }
  }

  @Test
  void events_past_the_retention_are_pruned() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_AUDIT_RETENTION=30d")) {
      s.register("old@example.org");
      s.clock.advance(Duration.ofDays(31));
      s.register("new@example.org");
      assertThat(s.userman().audit().prune()).isEqualTo(1);
      String admin = s.adminToken("root@example.org");
      assertThat(s.get("/api/v1/audit-events?type=registered", admin).json().path("items"))
          .hasSize(2);
      assertThat(s.userman().audit().prune()).isZero();
    }
  }

  @Test
  void credential_changes_sessions_and_keys_are_recorded() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      String keyId =
          s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), token)
              .json()
              .path("id")
              .asText();
      assertThat(s.call("DELETE", "/api/v1/me/api-keys/" + keyId, null, token).status())
          .isEqualTo(204);
      assertThat(
              s.call(
                      "PUT",
                      "/api/v1/me/password",
                      obj(
                          "current_password",
                          "not my password",
                          "new_password",
                          "a new long passphrase"),
                      token)
                  .status())
          .isEqualTo(400);
      assertThat(
              s.call(
                      "PUT",
                      "/api/v1/me/password",
                      obj("current_password", PASSWORD, "new_password", "a new long passphrase"),
                      token)
                  .status())
          .isEqualTo(204);
      assertThat(s.call("DELETE", "/api/v1/sessions/current", null, token).status()).isEqualTo(204);

      String fresh =
          s.login("ada@example.org", "a new long passphrase").path("access_token").asText();
      List<String> types =
          s.get("/api/v1/me/events?limit=200", fresh).json().path("items").findValuesAsText("type");
      assertThat(types)
          .containsSubsequence(
              "login_succeeded",
              "logout",
              "password_changed",
              "password_changed",
              "api_key_revoked",
              "api_key_created",
              "login_succeeded");
      JsonNode refused =
          s.get("/api/v1/me/events?type=password_changed", fresh).json().path("items").get(1);
      assertThat(refused.path("outcome").asText()).isEqualTo("failure");
      assertThat(refused.path("details").path("reason").asText())
          .isEqualTo("wrong_current_password");
    }
  }
}
