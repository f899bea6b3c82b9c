package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.testkit.TestDatabases;

class RestartTest {

  @Test
  void users_sessions_keys_and_signing_keys_survive_a_restart() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      JsonNode login = s.login("ada@example.org");
      String access = login.path("access_token").asText();
      String key = s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), access).text("key");
      String jwks = s.get("/.well-known/jwks.json", null).raw();

      s.restart();

      assertThat(s.get("/.well-known/jwks.json", null).raw()).isEqualTo(jwks);
      assertThat(s.get("/api/v1/me", access).text("email")).isEqualTo("ada@example.org");
      assertThat(s.get("/api/v1/me", key).status()).isEqualTo(200);
      Resp refreshed =
          s.post(
              "/api/v1/sessions/refresh",
              obj("refresh_token", login.path("refresh_token").asText()));
      assertThat(refreshed.status()).isEqualTo(200);
      assertThat(s.get("/api/v1/sessions", refreshed.text("access_token")).json().path("items"))
          .hasSize(1);
    }
  }

  @Test
  void a_second_server_on_the_same_embedded_database_refuses_to_start() {
    Assumptions.assumeTrue(TestDatabases.isSqlite(), "only the embedded database is single-node");
    try (TestServer s = TestServer.start()) {
      RuntimeException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              RuntimeException.class,
              () -> org.userman.server.node.UsermanServer.start(s.config()));
      assertThat(e.getMessage()).contains("another Userman server is already running");
      assertThat(s.get("/health/ready", null).status()).isEqualTo(200);
    }
  }
}
