package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

class AdminTest {

  @Test
  void admin_only_endpoints_refuse_users_and_anonymous_callers() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String id = s.register("ada@example.org").path("id").asText();
      String user = s.accessToken("ada@example.org");
      for (String[] call :
          new String[][] {
            {"GET", "/api/v1/users"},
            {"GET", "/api/v1/users/" + id},
            {"PATCH", "/api/v1/users/" + id},
            {"DELETE", "/api/v1/users/" + id}
          }) {
        Resp asUser =
            s.call(call[0], call[1], call[0].equals("PATCH") ? obj("name", "x") : null, user);
        assertThat(asUser.status()).as(call[0] + " " + call[1]).isEqualTo(403);
        assertThat(asUser.code()).isEqualTo("forbidden");
        Resp anonymous = s.call(call[0], call[1], null, null);
        assertThat(anonymous.status()).isEqualTo(401);
      }
    }
  }

  @Test
  void listing_filters_by_prefix_status_and_role_and_pages_with_a_cursor() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      for (int i = 0; i < 7; i++) {
        s.post(
            "/api/v1/users",
            obj("email", "user" + i + "@example.org", "password", PASSWORD, "name", "Person " + i));
      }
      s.post(
          "/api/v1/users",
          obj(
              "email",
              "zed@example.org",
              "password",
              PASSWORD,
              "username",
              "zorro",
              "name",
              "Zed Alpha"));

      List<String> emails = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        Resp page =
            s.get(
                "/api/v1/users?prefix=USER&limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
                admin);
        assertThat(page.status()).isEqualTo(200);
        page.json().path("items").forEach(u -> emails.add(u.path("email").asText()));
        page.json().path("items").forEach(u -> ids.add(u.path("id").asText()));
        cursor =
            page.json().path("next_cursor").isNull()
                ? null
                : page.json().path("next_cursor").asText();
        pages++;
      } while (cursor != null);
      assertThat(pages).isEqualTo(3);
      assertThat(emails).hasSize(7).doesNotHaveDuplicates().allMatch(e -> e.startsWith("user"));
      assertThat(ids).as("in id order across pages").isSorted();

      assertThat(
              s.get("/api/v1/users?prefix=zor", admin)
                  .json()
                  .path("items")
                  .findValuesAsText("email"))
          .containsExactly("zed@example.org");
      assertThat(
              s.get("/api/v1/users?prefix=zed%20al", admin)
                  .json()
                  .path("items")
                  .findValuesAsText("email"))
          .containsExactly("zed@example.org");
      assertThat(
              s.get("/api/v1/users?role=admin", admin)
                  .json()
                  .path("items")
                  .findValuesAsText("email"))
          .containsExactly("root@example.org");
      assertThat(s.get("/api/v1/users?status=pending", admin).json().path("items")).isEmpty();
      assertThat(s.get("/api/v1/users", admin).json().path("items")).hasSize(9);
      assertThat(s.get("/api/v1/users", admin).json().path("next_cursor").isNull()).isTrue();
    }
  }

  @Test
  void bad_listing_parameters_are_400() {
    try (TestServer s = TestServer.start()) {
      String admin = s.adminToken("root@example.org");
      for (String q :
          List.of(
              "limit=0",
              "limit=201",
              "limit=ten",
              "status=gone",
              "cursor=not-a-cursor",
              "cursor=%2F%2F%2F",
              "role=Bad%20Role")) {
        Resp r = s.get("/api/v1/users?" + q, admin);
        assertThat(r.status()).as(q).isEqualTo(400);
        assertThat(r.code()).as(q).isEqualTo("validation_failed");
      }
    }
  }

  @Test
  void admin_reads_changes_and_deletes_users() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      String id = s.register("ada@example.org").path("id").asText();
      assertThat(s.get("/api/v1/users/" + id, admin).text("email")).isEqualTo("ada@example.org");
      Resp missing = s.get("/api/v1/users/01890000-0000-7000-8000-000000000000", admin);
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.code()).isEqualTo("not_found");
      assertThat(s.get("/api/v1/users/nonsense", admin).status()).isEqualTo(404);

      s.roles("support");
      Resp patched =
          s.call(
              "PATCH",
              "/api/v1/users/" + id,
              obj(
                  "email",
                  "ada.l@example.org",
                  "email_verified",
                  true,
                  "name",
                  "Ada",
                  "roles",
                  List.of("support"),
                  "attributes",
                  obj("tier", "gold")),
              admin);
      assertThat(patched.status()).isEqualTo(200);
      assertThat(patched.text("email")).isEqualTo("ada.l@example.org");
      assertThat(patched.json().path("roles").toString()).isEqualTo("[\"support\"]");
      assertThat(patched.json().path("attributes").path("tier").asText()).isEqualTo("gold");
      Resp taken = s.call("PATCH", "/api/v1/users/" + id, obj("email", "ROOT@example.org"), admin);
      assertThat(taken.status()).isEqualTo(409);
      assertThat(taken.code()).isEqualTo("email_taken");

      Resp newPassword =
          s.call("PATCH", "/api/v1/users/" + id, obj("password", "set by the admin 1"), admin);
      assertThat(newPassword.status()).isEqualTo(200);
      assertThat(
              s.post(
                      "/api/v1/sessions",
                      obj("email", "ada.l@example.org", "password", "set by the admin 1"))
                  .status())
          .isEqualTo(201);

      assertThat(s.call("DELETE", "/api/v1/users/" + id, null, admin).status()).isEqualTo(204);
      assertThat(s.get("/api/v1/users/" + id, admin).status()).isEqualTo(404);
      assertThat(s.call("DELETE", "/api/v1/users/" + id, null, admin).status()).isEqualTo(404);
    }
  }

  @Test
  void disabling_a_user_refuses_them_everywhere_at_once() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      String id = s.register("ada@example.org").path("id").asText();
      JsonNode login = s.login("ada@example.org");
      String access = login.path("access_token").asText();
      String key = s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), access).text("key");

      assertThat(s.call("PATCH", "/api/v1/users/" + id, obj("status", "disabled"), admin).status())
          .isEqualTo(200);
      assertThat(s.get("/api/v1/me", access).status()).isEqualTo(401);
      assertThat(s.get("/api/v1/me", key).status()).isEqualTo(401);
      assertThat(
              s.post(
                      "/api/v1/sessions/refresh",
                      obj("refresh_token", login.path("refresh_token").asText()))
                  .status())
          .isEqualTo(401);
      Resp relogin =
          s.post("/api/v1/sessions", obj("email", "ada@example.org", "password", PASSWORD));
      assertThat(relogin.status()).isEqualTo(403);
      assertThat(relogin.code()).isEqualTo("account_not_active");
      int mails = s.mailsTo("ada@example.org").size();
      assertThat(s.post("/api/v1/password-resets", obj("email", "ada@example.org")).status())
          .isEqualTo(202);
      assertThat(s.mailsTo("ada@example.org")).hasSize(mails);

      // Enabling again does not bring the old credentials back.
      s.call("PATCH", "/api/v1/users/" + id, obj("status", "active"), admin);
      assertThat(s.get("/api/v1/me", access).status()).isEqualTo(401);
      assertThat(s.get("/api/v1/me", key).status()).isEqualTo(401);
    }
  }

  @Test
  void the_last_active_admin_cannot_be_deleted_disabled_or_demoted() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      String rootId = s.get("/api/v1/me", admin).text("id");
      for (Object[] change :
          new Object[][] {
            {"DELETE", null},
            {"PATCH", obj("status", "disabled")},
            {"PATCH", obj("roles", List.of())}
          }) {
        Resp r = s.call((String) change[0], "/api/v1/users/" + rootId, change[1], admin);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo("last_admin");
      }
      String second = s.register("second@example.org").path("id").asText();
      s.call("PATCH", "/api/v1/users/" + second, obj("roles", List.of("admin")), admin);
      assertThat(
              s.call("PATCH", "/api/v1/users/" + rootId, obj("roles", List.of()), admin).status())
          .isEqualTo(200);
      // Roles are read at each request: the demoted admin lost the right at once.
      assertThat(s.get("/api/v1/users", admin).status()).isEqualTo(403);
      String secondToken = s.accessToken("second@example.org");
      Resp last = s.call("DELETE", "/api/v1/users/" + second, null, secondToken);
      assertThat(last.status()).isEqualTo(409);
      assertThat(last.code()).isEqualTo("last_admin");
    }
  }
}
