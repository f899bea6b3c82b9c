package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * Bad input the security review found: each gets a 400 naming the field, never a 5xx and never a
 * silent change of what was sent.
 */
class InputRulesTest {

  private static void assertRefused(Resp r, String field) {
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("validation_failed");
    assertThat(r.json().path("errors").findValuesAsText("field")).as(r.toString()).contains(field);
  }

  @Test
  void times_outside_the_years_0001_to_9999_are_refused() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      String admin = s.adminToken("root@example.org");
      for (String t :
          List.of(
              "+10000-01-01T00:00:00Z",
              "+999999999-12-31T23:59:59Z",
              "-0001-01-01T00:00:00Z",
              "0000-01-01T00:00:00Z")) {
        assertRefused(
            s.call("POST", "/api/v1/me/api-keys", obj("name", "k", "expires_at", t), token),
            "expires_at");
        assertRefused(
            s.get(
                "/api/v1/audit-events?since="
                    + java.net.URLEncoder.encode(t, java.nio.charset.StandardCharsets.UTF_8),
                admin),
            "since");
        assertRefused(
            s.get(
                "/api/v1/me/events?until="
                    + java.net.URLEncoder.encode(t, java.nio.charset.StandardCharsets.UTF_8),
                token),
            "until");
      }
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/me/api-keys",
                      obj("name", "k", "expires_at", "9999-12-31T23:59:59Z"),
                      token)
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void a_lone_surrogate_in_any_string_is_refused() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      assertRefused(
          s.send(
              "POST",
              "/api/v1/users",
              "application/json",
              "{\"email\":\"ada@example.org\",\"password\":\""
                  + PASSWORD
                  + "\",\"name\":\"Ada \\ud800\"}"),
          "name");
      assertRefused(
          s.send(
              "POST",
              "/api/v1/users",
              "application/json",
              "{\"email\":\"ada@example.org\",\"password\":\""
                  + PASSWORD
                  + "\",\"attributes\":{\"k\":\"\\udc00\"}}"),
          "attributes");
      assertRefused(
          s.send(
              "POST",
              "/api/v1/users",
              "application/json",
              "{\"email\":\"ada@example.org\",\"password\":\""
                  + PASSWORD
                  + "\",\"attributes\":{\"\\ud800\":1}}"),
          "attributes");
      assertRefused(
          s.send(
              "POST",
              "/api/v1/users",
              "application/json",
              "{\"email\":\"ada@example.org\",\"password\":\"correct horse \\ud800 staple\"}"),
          "password");
      assertThat(
              s.post("/api/v1/users", obj("email", "ada@example.org", "password", PASSWORD))
                  .status())
          .isEqualTo(201);
      String token = s.accessToken("ada@example.org");
      assertRefused(
          s.send(
              "POST",
              "/api/v1/me/api-keys",
              "application/json",
              "{\"name\":\"key \\udbff\"}",
              "Authorization",
              "Bearer " + token),
          "name");
      assertThat(s.get("/api/v1/me/api-keys", token).json().path("items")).isEmpty();
    }
  }

  @Test
  void lengths_are_checked_after_normalization() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      // U+FDFA is one character that NFKC writes as eighteen
      Resp key = s.call("POST", "/api/v1/me/api-keys", obj("name", "\ufdfa".repeat(100)), token);
      assertRefused(key, "name");
      assertThat(key.json().path("errors").findValuesAsText("code")).contains("too_long");
      assertRefused(s.call("PATCH", "/api/v1/me", obj("name", "\ufdfa".repeat(20)), token), "name");
      assertRefused(
          s.post(
              "/api/v1/sessions",
              obj("email", "ada@example.org", "password", PASSWORD, "device", "\ufdfa".repeat(20))),
          "device");
      assertThat(
              s.call("POST", "/api/v1/me/api-keys", obj("name", "\ufdfa".repeat(5)), token)
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void text_that_folds_longer_than_its_column_is_refused() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      // 200 × ß is a name of 200 characters whose folded, searchable form is 400
      assertRefused(
          s.post(
              "/api/v1/users",
              obj("email", "ada@example.org", "password", PASSWORD, "name", "\u00df".repeat(200))),
          "name");
      assertRefused(
          s.post(
              "/api/v1/users",
              obj(
                  "email",
                  "\u00df".repeat(64) + "@" + "\u00df".repeat(185) + ".de",
                  "password",
                  PASSWORD)),
          "email");
      Resp ok =
          s.post(
              "/api/v1/users",
              obj("email", "ada@example.org", "password", PASSWORD, "name", "\u00df".repeat(100)));
      assertThat(ok.status()).isEqualTo(201);
      assertThat(s.get("/health/ready", null).status()).isEqualTo(200);
      String admin = s.adminToken("root@example.org");
      assertThat(
              s.get("/api/v1/users?prefix=SS", admin)
                  .json()
                  .path("items")
                  .findValuesAsText("email"))
          .contains("ada@example.org");
    }
  }
}
