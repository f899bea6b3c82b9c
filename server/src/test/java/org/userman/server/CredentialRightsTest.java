package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.testkit.TestDatabases;

/**
 * Who may do what, decided at each request: current roles and status (never the token's claims),
 * only a signed-in session manages credentials, and only tokens of the configured shape pass.
 */
class CredentialRightsTest {

  @Test
  void a_demoted_admin_is_refused_at_the_next_admin_call_on_every_node() {
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open")) {
      String token = a.adminToken("boss@example.org");
      String other = a.adminToken("root@example.org");
      String bossId = a.userman().accounts().findByEmail("boss@example.org").orElseThrow().id();
      List<TestServer> nodes = TestDatabases.isSqlite() ? List.of(a) : List.of(a, a.secondNode());
      try {
        for (TestServer n : nodes) {
          assertThat(n.get("/api/v1/users", token).status()).isEqualTo(200);
        }
        assertThat(
                a.call("PATCH", "/api/v1/users/" + bossId, obj("roles", List.of()), other).status())
            .isEqualTo(200);
        assertThat(claims(token).path("roles").toString())
            .as("the token still says admin")
            .contains("admin");
        for (TestServer n : nodes) {
          Resp refused = n.get("/api/v1/users", token);
          assertThat(refused.status()).isEqualTo(403);
          assertThat(refused.code()).isEqualTo("forbidden");
        }
      } finally {
        if (nodes.size() > 1) {
          nodes.get(1).close();
        }
      }
    }
  }

  @Test
  void an_api_key_cannot_manage_the_users_credentials() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      JsonNode login = s.login("ada@example.org");
      String token = login.path("access_token").asText();
      String sessionId = login.path("session").path("id").asText();
      Resp made = s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), token);
      String key = made.json().path("key").asText();
      String keyId = made.json().path("id").asText();
      List<Resp> refused =
          List.of(
              s.get("/api/v1/sessions", key),
              s.call("DELETE", "/api/v1/sessions/" + sessionId, null, key),
              s.call("DELETE", "/api/v1/sessions", null, key),
              s.call("DELETE", "/api/v1/sessions/current", null, key),
              s.call("POST", "/api/v1/me/api-keys", obj("name", "another"), key),
              s.call("DELETE", "/api/v1/me/api-keys/" + keyId, null, key),
              s.call("DELETE", "/api/v1/me/api-keys", null, key),
              s.call(
                  "PUT",
                  "/api/v1/me/password",
                  obj("current_password", PASSWORD, "new_password", "a brand new passphrase"),
                  key),
              s.call(
                  "POST",
                  "/api/v1/me/email",
                  obj("email", "new@example.org", "current_password", PASSWORD),
                  key));
      for (Resp r : refused) {
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("forbidden");
        assertThat(r.text("detail")).contains("API key");
      }
      assertThat(s.get("/api/v1/me", token).status()).as("the session lives").isEqualTo(200);
      assertThat(s.get("/api/v1/me", key).status()).as("the key still reads").isEqualTo(200);
      assertThat(s.get("/api/v1/me/api-keys", key).status()).as("and lists keys").isEqualTo(200);
    }
  }

  @Test
  void an_admins_api_key_cannot_set_anyones_password_or_email() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("boss@example.org");
      String key =
          s.call("POST", "/api/v1/me/api-keys", obj("name", "ops"), admin)
              .json()
              .path("key")
              .asText();
      String adaId = s.register("ada@example.org").path("id").asText();
      String bossId = s.userman().accounts().findByEmail("boss@example.org").orElseThrow().id();
      for (String id : List.of(adaId, bossId)) {
        for (Object change :
            List.of(obj("password", "a brand new passphrase"), obj("email", "taken@example.org"))) {
          Resp r = s.call("PATCH", "/api/v1/users/" + id, change, key);
          assertThat(r.status()).as(r.toString()).isEqualTo(403);
          assertThat(r.text("detail")).contains("API key");
        }
      }
      assertThat(s.login("ada@example.org").path("user").path("email").asText())
          .as("unchanged")
          .isEqualTo("ada@example.org");
      assertThat(s.call("PATCH", "/api/v1/users/" + adaId, obj("name", "Ada"), key).status())
          .as("other fields an admin key may set")
          .isEqualTo(200);
      assertThat(
              s.call(
                      "PATCH",
                      "/api/v1/users/" + adaId,
                      obj("password", "a brand new passphrase"),
                      admin)
                  .status())
          .as("through the admin's session")
          .isEqualTo(200);
    }
  }

  @Test
  void a_token_of_a_longer_lifetime_than_configured_is_refused() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_TOKENS_ACCESS_TTL=60m")) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      s.restartWith("USERMAN_TOKENS_ACCESS_TTL=15m");
      assertThat(s.get("/api/v1/me", token).status()).isEqualTo(401);
      assertThat(s.get("/api/v1/me", s.accessToken("ada@example.org")).status()).isEqualTo(200);
    }
  }

  @Test
  void a_token_issued_in_the_future_beyond_the_clock_skew_is_refused() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      s.clock.advance(Duration.ofSeconds(-50));
      assertThat(s.get("/api/v1/me", token).status()).as("within the skew").isEqualTo(200);
      String fresh = s.accessToken("ada@example.org");
      s.clock.advance(Duration.ofMinutes(-2));
      assertThat(s.get("/api/v1/me", fresh).status()).isEqualTo(401);
    }
  }

  @Test
  void tokens_name_the_configured_audience_and_a_token_for_another_is_refused() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_TOKENS_AUDIENCE=billing")) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      assertThat(claims(token).path("aud").toString()).contains("billing");
      assertThat(s.get("/api/v1/me", token).status()).isEqualTo(200);
      s.restartWith("USERMAN_TOKENS_AUDIENCE=shipping");
      assertThat(s.get("/api/v1/me", token).status()).isEqualTo(401);
      s.restartWith("USERMAN_TOKENS_AUDIENCE=");
      String plain = s.accessToken("ada@example.org");
      assertThat(claims(plain).has("aud")).as("no audience unless configured").isFalse();
    }
  }

  private static JsonNode claims(String jwt) {
    try {
      return TestServer.JSON.readTree(
          new String(
              Base64.getUrlDecoder().decode(jwt.split("\\.", -1)[1]), StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
