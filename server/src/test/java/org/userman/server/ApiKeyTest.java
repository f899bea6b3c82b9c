package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

class ApiKeyTest {

  @Test
  void key_is_shown_once_works_in_both_headers_and_dies_when_revoked() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String access = s.accessToken("ada@example.org");
      Resp created = s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), access);
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.header("Cache-Control")).isEqualTo("no-store");
      String key = created.text("key");
      assertThat(key).startsWith("um_").hasSize(46);
      assertThat(created.text("prefix")).isEqualTo(key.substring(0, 11));
      assertThat(created.json().path("expires_at").isNull()).isTrue();

      Resp list = s.get("/api/v1/me/api-keys", access);
      assertThat(list.json().path("items")).hasSize(1);
      assertThat(list.raw()).doesNotContain(key);
      assertThat(list.json().path("items").get(0).has("key")).isFalse();

      assertThat(s.get("/api/v1/me", key).text("email")).isEqualTo("ada@example.org");
      assertThat(s.send("GET", "/api/v1/me", null, null, "X-API-Key", key).status()).isEqualTo(200);
      assertThat(
              s.get("/api/v1/me/api-keys", access)
                  .json()
                  .path("items")
                  .get(0)
                  .path("last_used_at")
                  .asText())
          .isEqualTo("2026-11-22T10:00:00Z");

      String id = created.text("id");
      assertThat(s.call("DELETE", "/api/v1/me/api-keys/" + id, null, access).status())
          .isEqualTo(204);
      Resp revoked = s.get("/api/v1/me", key);
      assertThat(revoked.status()).isEqualTo(401);
      assertThat(revoked.code()).isEqualTo("unauthenticated");
      assertThat(s.call("DELETE", "/api/v1/me/api-keys/" + id, null, access).status())
          .isEqualTo(404);
    }
  }

  @Test
  void key_expires_and_cannot_touch_credentials() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String access = s.accessToken("ada@example.org");
      Resp past =
          s.call(
              "POST",
              "/api/v1/me/api-keys",
              obj("name", "old", "expires_at", "2020-01-01T00:00:00Z"),
              access);
      assertThat(past.status()).isEqualTo(400);
      Resp badTime =
          s.call(
              "POST", "/api/v1/me/api-keys", obj("name", "old", "expires_at", "tomorrow"), access);
      assertThat(badTime.status()).isEqualTo(400);
      assertThat(
              s.call("POST", "/api/v1/me/api-keys", obj(), access).json().path("errors").toString())
          .contains("required");

      String key =
          s.call(
                  "POST",
                  "/api/v1/me/api-keys",
                  obj("name", "day", "expires_at", "2026-11-23T10:00:00Z"),
                  access)
              .text("key");
      Resp escalate = s.call("POST", "/api/v1/me/api-keys", obj("name", "more"), key);
      assertThat(escalate.status()).isEqualTo(403);
      assertThat(escalate.code()).isEqualTo("forbidden");
      assertThat(
              s.call(
                      "PUT",
                      "/api/v1/me/password",
                      obj("current_password", "x", "new_password", "y"),
                      key)
                  .status())
          .isEqualTo(403);

      s.clock.advance(Duration.ofDays(1));
      assertThat(s.get("/api/v1/me", key).status()).isEqualTo(401);
    }
  }

  @Test
  void another_users_key_cannot_be_revoked() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      s.register("eve@example.org");
      String ada = s.accessToken("ada@example.org");
      String id = s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), ada).text("id");
      Resp r =
          s.call("DELETE", "/api/v1/me/api-keys/" + id, null, s.accessToken("eve@example.org"));
      assertThat(r.status()).isEqualTo(404);
      assertThat(s.get("/api/v1/me/api-keys", ada).json().path("items")).hasSize(1);
    }
  }
}
