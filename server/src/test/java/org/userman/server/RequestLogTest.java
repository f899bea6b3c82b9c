package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

class RequestLogTest {

  @Test
  void json_log_has_one_line_per_request_with_the_path_template() throws Exception {
    try (TestServer s = TestServer.start("USERMAN_LOG_FORMAT=json", "USERMAN_REGISTRATION=open")) {
      String id = s.register("ada@example.org").path("id").asText();
      String admin = s.adminToken("root@example.org");
      s.log.clear();
      s.send(
          "GET",
          "/api/v1/users/" + id,
          null,
          null,
          "Authorization",
          "Bearer " + admin,
          "X-Request-Id",
          "req-1");
      assertThat(s.log).hasSize(1);
      JsonNode line = TestServer.JSON.readTree(s.log.get(0));
      assertThat(line.path("method").asText()).isEqualTo("GET");
      assertThat(line.path("path").asText()).isEqualTo("/api/v1/users/{id}");
      assertThat(line.path("status").asInt()).isEqualTo(200);
      assertThat(line.path("request_id").asText()).isEqualTo("req-1");
      assertThat(line.path("duration_ms").isNumber()).isTrue();
      assertThat(s.log.get(0)).doesNotContain(id);
    }
  }

  @Test
  void text_log_line_names_method_template_status_and_request_id() {
    try (TestServer s = TestServer.start()) {
      s.send("GET", "/health/live", null, null, "X-Request-Id", "abc");
      assertThat(s.log).hasSize(1);
      assertThat(s.log.get(0)).matches(".* INFO request GET /health/live 200 [0-9.]+ms id=abc");
    }
  }

  /** Every secret a flow handles, and every log line it made: no line may hold a secret. */
  @Test
  void no_password_token_or_api_key_reaches_any_log() {
    List<String> libraryLog = Collections.synchronizedList(new ArrayList<>());
    Handler capture =
        new Handler() {
          private final SimpleFormatter f = new SimpleFormatter();

          @Override
          public void publish(LogRecord r) {
            libraryLog.add(f.format(r));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    Level level = root.getLevel();
    // Everything down to FINE, well below what the server ships (WARNING for libraries, INFO for
    // its own). Lower still, JDBC drivers trace every bound parameter by design: that is their
    // debugging aid, which an operator turns on deliberately, not a log Userman writes.
    root.setLevel(Level.FINE);
    root.addHandler(capture);
    List<String> secrets = new ArrayList<>();
    try (TestServer s = TestServer.start("USERMAN_LOG_FORMAT=json")) {
      secrets.add(PASSWORD);
      s.register("ada@example.org");
      String verification = s.lastToken("ada@example.org");
      secrets.add(verification);
      s.post("/api/v1/email-verifications/confirm", obj("token", verification));
      s.post("/api/v1/email-verifications/confirm", obj("token", verification));
      Resp login =
          s.post("/api/v1/sessions", obj("email", "ada@example.org", "password", PASSWORD));
      String access = login.text("access_token");
      String refresh = login.text("refresh_token");
      secrets.add(access);
      secrets.add(refresh);
      s.post(
          "/api/v1/sessions", obj("email", "ada@example.org", "password", "a wrong password 123"));
      secrets.add("a wrong password 123");
      Resp refreshed = s.post("/api/v1/sessions/refresh", obj("refresh_token", refresh));
      secrets.add(refreshed.text("access_token"));
      secrets.add(refreshed.text("refresh_token"));
      String key =
          s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), refreshed.text("access_token"))
              .text("key");
      secrets.add(key);
      s.post("/api/v1/sessions/refresh", obj("refresh_token", refresh));
      s.get("/api/v1/me", key);
      s.send("GET", "/api/v1/me", null, null, "X-API-Key", key);
      String relogin = s.accessToken("ada@example.org");
      s.call(
          "PUT",
          "/api/v1/me/password",
          obj("current_password", PASSWORD, "new_password", "the next passphrase 1"),
          relogin);
      secrets.add("the next passphrase 1");
      s.post("/api/v1/password-resets", obj("email", "ada@example.org"));
      String reset = s.lastToken("ada@example.org");
      secrets.add(reset);
      s.post(
          "/api/v1/password-resets/confirm",
          obj("token", reset, "password", "the third passphrase 2"));
      secrets.add("the third passphrase 2");
      s.send("GET", "/api/v1/me?token=" + reset, null, null);

      List<String> all = new ArrayList<>(s.log);
      all.addAll(libraryLog);
      assertThat(s.log).hasSizeGreaterThan(10);
      for (String secret : secrets) {
        assertThat(secret).isNotBlank();
        assertThat(all).noneMatch(line -> line.contains(secret));
      }
      assertThat(all).noneMatch(line -> line.contains("$argon2"));
    } finally {
      root.removeHandler(capture);
      root.setLevel(level);
    }
  }
}
