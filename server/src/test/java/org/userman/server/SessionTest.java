package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

class SessionTest {

  @Test
  void login_by_email_or_username_returns_tokens_session_and_user() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.post(
          "/api/v1/users",
          obj("email", "ada@example.org", "password", PASSWORD, "username", "ada"));
      Resp r =
          s.send(
              "POST",
              "/api/v1/sessions",
              "application/json",
              "{\"username\":\"ADA\",\"password\":\"" + PASSWORD + "\",\"device\":\"laptop\"}",
              "User-Agent",
              "test-agent/1");
      assertThat(r.status()).isEqualTo(201);
      assertThat(r.header("Cache-Control")).isEqualTo("no-store");
      JsonNode j = r.json();
      assertThat(j.path("token_type").asText()).isEqualTo("Bearer");
      assertThat(j.path("expires_in").asLong()).isEqualTo(900);
      assertThat(j.path("access_token").asText()).isNotEmpty();
      assertThat(j.path("refresh_token").asText()).isNotEmpty();
      assertThat(j.path("session").path("device").asText()).isEqualTo("laptop");
      assertThat(j.path("session").path("user_agent").asText()).isEqualTo("test-agent/1");
      assertThat(j.path("session").path("ip").asText()).isEqualTo("127.0.0.1");
      assertThat(j.path("session").path("current").asBoolean()).isTrue();
      assertThat(j.path("user").path("last_login_at").asText()).isEqualTo("2026-11-22T10:00:00Z");
      assertThat(s.get("/api/v1/me", j.path("access_token").asText()).text("email"))
          .isEqualTo("ada@example.org");
      assertThat(
              s.post("/api/v1/sessions", obj("email", "ADA@example.ORG", "password", PASSWORD))
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void unknown_account_and_wrong_password_answer_alike() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      Resp unknown =
          s.post("/api/v1/sessions", obj("email", "nobody@example.org", "password", PASSWORD));
      Resp wrong =
          s.post(
              "/api/v1/sessions", obj("email", "ada@example.org", "password", "wrong password!"));
      assertThat(unknown.status()).isEqualTo(401);
      assertThat(unknown.code()).isEqualTo("invalid_credentials");
      assertThat(wrong.raw()).isEqualTo(unknown.raw());
    }
  }

  @Test
  void inactive_account_is_told_only_after_the_right_password() {
    try (TestServer s = TestServer.start()) {
      s.register("ada@example.org");
      assertThat(
              s.post(
                      "/api/v1/sessions",
                      obj("email", "ada@example.org", "password", "wrong password!"))
                  .status())
          .isEqualTo(401);
      Resp pending =
          s.post("/api/v1/sessions", obj("email", "ada@example.org", "password", PASSWORD));
      assertThat(pending.status()).isEqualTo(403);
      assertThat(pending.code()).isEqualTo("account_not_active");
    }
  }

  @Test
  void refresh_rotates_the_token_and_reuse_revokes_the_session() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      JsonNode login = s.login("ada@example.org");
      String first = login.path("refresh_token").asText();
      Resp refreshed = s.post("/api/v1/sessions/refresh", obj("refresh_token", first));
      assertThat(refreshed.status()).isEqualTo(200);
      assertThat(refreshed.header("Cache-Control")).isEqualTo("no-store");
      String second = refreshed.text("refresh_token");
      String access = refreshed.text("access_token");
      assertThat(second).isNotEqualTo(first);
      assertThat(refreshed.json().path("session").path("id").asText())
          .isEqualTo(login.path("session").path("id").asText());
      assertThat(s.get("/api/v1/me", access).status()).isEqualTo(200);

      Resp reuse = s.post("/api/v1/sessions/refresh", obj("refresh_token", first));
      assertThat(reuse.status()).isEqualTo(401);
      assertThat(reuse.code()).isEqualTo("invalid_token");
      // The whole session ended: the newer refresh token and the access token die with it.
      assertThat(s.post("/api/v1/sessions/refresh", obj("refresh_token", second)).status())
          .isEqualTo(401);
      assertThat(s.get("/api/v1/me", access).status()).isEqualTo(401);
      assertThat(s.post("/api/v1/sessions/refresh", obj("refresh_token", "made-up")).code())
          .isEqualTo("invalid_token");
    }
  }

  @Test
  void access_token_is_refused_right_after_logout_and_once_expired() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      JsonNode a = s.login("ada@example.org");
      String access = a.path("access_token").asText();
      assertThat(s.call("DELETE", "/api/v1/sessions/current", null, access).status())
          .isEqualTo(204);
      Resp after = s.get("/api/v1/me", access);
      assertThat(after.status()).isEqualTo(401);
      assertThat(after.code()).isEqualTo("unauthenticated");
      assertThat(after.header("WWW-Authenticate")).isEqualTo("Bearer");
      assertThat(
              s.post(
                      "/api/v1/sessions/refresh",
                      obj("refresh_token", a.path("refresh_token").asText()))
                  .status())
          .isEqualTo(401);

      String other = s.accessToken("ada@example.org");
      s.clock.advance(Duration.ofMinutes(15).plusSeconds(1));
      assertThat(s.get("/api/v1/me", other).status()).isEqualTo(401);
    }
  }

  @Test
  void sessions_are_listed_per_device_and_ended_one_by_one_or_all_at_once() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      s.register("eve@example.org");
      JsonNode laptop = s.login("ada@example.org");
      JsonNode phone = s.login("ada@example.org");
      JsonNode eve = s.login("eve@example.org");
      String laptopToken = laptop.path("access_token").asText();

      Resp list = s.get("/api/v1/sessions", laptopToken);
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.json().path("items")).hasSize(2);
      assertThat(list.json().path("items").findValuesAsText("id"))
          .containsExactlyInAnyOrder(
              laptop.path("session").path("id").asText(),
              phone.path("session").path("id").asText());
      for (JsonNode item : list.json().path("items")) {
        assertThat(item.path("current").asBoolean())
            .isEqualTo(item.path("id").asText().equals(laptop.path("session").path("id").asText()));
      }

      Resp notMine =
          s.call(
              "DELETE",
              "/api/v1/sessions/" + eve.path("session").path("id").asText(),
              null,
              laptopToken);
      assertThat(notMine.status()).isEqualTo(404);
      assertThat(notMine.code()).isEqualTo("not_found");
      assertThat(s.get("/api/v1/me", eve.path("access_token").asText()).status()).isEqualTo(200);

      assertThat(
              s.call(
                      "DELETE",
                      "/api/v1/sessions/" + phone.path("session").path("id").asText(),
                      null,
                      laptopToken)
                  .status())
          .isEqualTo(204);
      assertThat(s.get("/api/v1/me", phone.path("access_token").asText()).status()).isEqualTo(401);
      assertThat(s.get("/api/v1/me", laptopToken).status()).isEqualTo(200);

      JsonNode tablet = s.login("ada@example.org");
      assertThat(
              s.call("DELETE", "/api/v1/sessions", null, tablet.path("access_token").asText())
                  .status())
          .isEqualTo(204);
      assertThat(s.get("/api/v1/me", laptopToken).status()).isEqualTo(401);
      assertThat(s.get("/api/v1/me", tablet.path("access_token").asText()).status()).isEqualTo(401);
    }
  }

  @Test
  void password_change_revokes_every_other_session() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String here = s.accessToken("ada@example.org");
      String elsewhere = s.accessToken("ada@example.org");
      Resp wrong =
          s.call(
              "PUT",
              "/api/v1/me/password",
              obj("current_password", "wrong password!", "new_password", "a brand new passphrase"),
              here);
      assertThat(wrong.status()).isEqualTo(400);
      assertThat(wrong.code()).isEqualTo("invalid_credentials");
      Resp weak =
          s.call(
              "PUT",
              "/api/v1/me/password",
              obj("current_password", PASSWORD, "new_password", "short"),
              here);
      assertThat(weak.status()).isEqualTo(400);
      assertThat(weak.json().path("errors").toString()).contains("new_password", "too_short");

      Resp changed =
          s.call(
              "PUT",
              "/api/v1/me/password",
              obj("current_password", PASSWORD, "new_password", "a brand new passphrase"),
              here);
      assertThat(changed.status()).isEqualTo(204);
      assertThat(s.get("/api/v1/me", here).status()).isEqualTo(200);
      assertThat(s.get("/api/v1/me", elsewhere).status()).isEqualTo(401);
      assertThat(
              s.post(
                      "/api/v1/sessions",
                      obj("email", "ada@example.org", "password", "a brand new passphrase"))
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void session_expires_after_its_lifetime_and_cannot_be_refreshed() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      JsonNode login = s.login("ada@example.org");
      s.clock.advance(Duration.ofDays(30).plusSeconds(1));
      assertThat(
              s.post(
                      "/api/v1/sessions/refresh",
                      obj("refresh_token", login.path("refresh_token").asText()))
                  .status())
          .isEqualTo(401);
    }
  }

  @Test
  void profile_changes_merge_attributes_and_guard_the_username() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.post(
          "/api/v1/users",
          obj(
              "email",
              "ada@example.org",
              "password",
              PASSWORD,
              "attributes",
              obj("lang", "en", "theme", "dark")));
      s.post(
          "/api/v1/users",
          obj("email", "bob@example.org", "password", PASSWORD, "username", "bob"));
      String token = s.accessToken("ada@example.org");
      Resp r =
          s.call(
              "PATCH",
              "/api/v1/me",
              obj(
                  "name",
                  "Ada L.",
                  "username",
                  "ada",
                  "attributes",
                  obj("theme", null, "tz", "UTC")),
              token);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text("name")).isEqualTo("Ada L.");
      assertThat(r.text("username")).isEqualTo("ada");
      assertThat(r.json().path("attributes").toString())
          .isEqualTo("{\"lang\":\"en\",\"tz\":\"UTC\"}");
      Resp taken = s.call("PATCH", "/api/v1/me", obj("username", "BOB"), token);
      assertThat(taken.status()).isEqualTo(409);
      assertThat(taken.code()).isEqualTo("username_taken");
      Resp cleared = s.call("PATCH", "/api/v1/me", "{\"username\":null}", token);
      assertThat(cleared.json().path("username").isNull()).isTrue();
      Resp notAllowed = s.call("PATCH", "/api/v1/me", obj("status", "active"), token);
      assertThat(notAllowed.status()).isEqualTo(400);
      assertThat(notAllowed.json().path("errors").toString()).contains("unknown_field");
    }
  }

  /**
   * The answer of GET /me is written once per copy of the user: every change still shows at the
   * next request.
   */
  @Test
  void me_shows_each_change_at_the_next_request() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String id =
          s.post(
                  "/api/v1/users",
                  obj("email", "ada@example.org", "password", PASSWORD, "name", "Ada"))
              .text("id");
      String token = s.accessToken("ada@example.org");
      String admin = s.adminToken("root@example.org");
      assertThat(s.get("/api/v1/me", token).text("name")).isEqualTo("Ada");
      assertThat(s.get("/api/v1/me", token).text("name")).isEqualTo("Ada");
      s.call("PATCH", "/api/v1/me", obj("name", "Ada L."), token);
      assertThat(s.get("/api/v1/me", token).text("name")).isEqualTo("Ada L.");
      assertThat(
              s.call(
                      "PATCH",
                      "/api/v1/users/" + id,
                      obj("attributes", obj("team", "engines")),
                      admin)
                  .status())
          .isEqualTo(200);
      Resp me = s.get("/api/v1/me", token);
      assertThat(me.text("name")).isEqualTo("Ada L.");
      assertThat(me.json().path("attributes").toString()).isEqualTo("{\"team\":\"engines\"}");
    }
  }
}
