package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.server.support.Visitor;

/** A session ends after its absolute lifetime, and sooner when it lies unused (ASVS 3.3.2). */
class SessionLifetimeTest {

  @Test
  void an_api_session_unused_for_the_idle_timeout_ends() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_TOKENS_SESSION_IDLE_TIMEOUT=1h")) {
      s.register("ada@example.org");
      JsonNode busy = s.login("ada@example.org");
      JsonNode idle = s.login("ada@example.org");
      String refresh = busy.path("refresh_token").asText();
      for (int i = 0; i < 3; i++) {
        s.clock.advance(Duration.ofMinutes(45));
        Resp r = s.post("/api/v1/sessions/refresh", obj("refresh_token", refresh));
        assertThat(r.status()).as("used every 45 minutes").isEqualTo(200);
        refresh = r.text("refresh_token");
      }
      Resp late =
          s.post(
              "/api/v1/sessions/refresh",
              obj("refresh_token", idle.path("refresh_token").asText()));
      assertThat(late.status()).isEqualTo(401);
      assertThat(late.code()).isEqualTo("invalid_token");
      String token =
          s.post("/api/v1/sessions/refresh", obj("refresh_token", refresh)).text("access_token");
      assertThat(s.get("/api/v1/sessions", token).json().path("items"))
          .as("the idle one is not listed")
          .hasSize(1);
    }
  }

  @Test
  void a_page_session_unused_for_the_idle_timeout_ends() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_TOKENS_SESSION_IDLE_TIMEOUT=30m")) {
      s.register("ada@example.org");
      Visitor v = new Visitor(s, "").signIn("ada@example.org");
      s.clock.advance(Duration.ofMinutes(20));
      assertThat(v.get("/account").status()).isEqualTo(200);
      s.clock.advance(Duration.ofMinutes(20));
      assertThat(v.get("/account").status()).as("used 20 minutes ago").isEqualTo(200);
      s.clock.advance(Duration.ofMinutes(31));
      Resp after = v.get("/account");
      assertThat(after.status()).isEqualTo(303);
      assertThat(after.header("Location")).startsWith("/login");
    }
  }

  @Test
  void the_idle_timeout_must_leave_room_for_an_access_token() {
    try (TestServer s = TestServer.start()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  s.restartWith(
                      "USERMAN_TOKENS_SESSION_IDLE_TIMEOUT=5m", "USERMAN_TOKENS_ACCESS_TTL=15m"))
          .hasMessageContaining("tokens.session_idle_timeout");
    }
  }
}
