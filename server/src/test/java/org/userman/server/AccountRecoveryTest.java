package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * Recovering an account ends whatever an attacker may have set up in it: sessions, API keys and
 * every pending mailed token, of every kind. The attack these close: someone who knew the old
 * password (or registered the address first, under open registration) asks for an email change to
 * their own address, waits for the owner to recover the account, then confirms the change.
 */
class AccountRecoveryTest {
  private static final String NEW_PASSWORD = "a brand new passphrase";

  /** The attacker's foothold: an API key and a pending email change to their own address. */
  private record Foothold(String accessToken, String apiKey, String emailChangeToken) {}

  private static Foothold foothold(TestServer s, String email) {
    String token = s.accessToken(email);
    String key =
        s.call("POST", "/api/v1/me/api-keys", obj("name", "mine now"), token)
            .json()
            .path("key")
            .asText();
    Resp asked =
        s.call(
            "POST",
            "/api/v1/me/email",
            obj("email", "attacker@evil.example", "current_password", PASSWORD),
            token);
    assertThat(asked.status()).isEqualTo(202);
    String change = s.lastToken("attacker@evil.example");
    assertThat(s.get("/api/v1/me", key).status()).isEqualTo(200);
    return new Foothold(token, key, change);
  }

  private static void assertFootholdGone(TestServer s, Foothold f) {
    assertThat(s.get("/api/v1/me", f.accessToken()).status()).as("the session").isEqualTo(401);
    assertThat(s.get("/api/v1/me", f.apiKey()).status()).as("the API key").isEqualTo(401);
    Resp confirm =
        s.post("/api/v1/email-verifications/confirm", obj("token", f.emailChangeToken()));
    assertThat(confirm.status()).as("the pending email change").isEqualTo(400);
    assertThat(confirm.code()).isEqualTo("invalid_token");
  }

  @Test
  void a_password_reset_ends_sessions_api_keys_and_a_pending_email_change() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("victim@corp.example");
      Foothold f = foothold(s, "victim@corp.example");
      assertThat(s.post("/api/v1/password-resets", obj("email", "victim@corp.example")).status())
          .isEqualTo(202);
      String reset = s.lastToken("victim@corp.example");
      assertThat(
              s.post(
                      "/api/v1/password-resets/confirm",
                      obj("token", reset, "password", NEW_PASSWORD))
                  .status())
          .isEqualTo(204);
      assertFootholdGone(s, f);
      Resp me =
          s.get(
              "/api/v1/me",
              s.login("victim@corp.example", NEW_PASSWORD).path("access_token").asText());
      assertThat(me.text("email")).isEqualTo("victim@corp.example");
    }
  }

  @Test
  void a_password_reset_ends_a_pending_verification_and_other_reset_tokens() {
    try (TestServer s = TestServer.start()) {
      s.register("ada@example.org");
      String verification = s.lastToken("ada@example.org");
      s.post("/api/v1/password-resets", obj("email", "ada@example.org"));
      String reset = s.lastToken("ada@example.org");
      assertThat(
              s.post(
                      "/api/v1/password-resets/confirm",
                      obj("token", reset, "password", NEW_PASSWORD))
                  .status())
          .isEqualTo(204);
      Resp verify = s.post("/api/v1/email-verifications/confirm", obj("token", verification));
      assertThat(verify.code()).isEqualTo("invalid_token");
    }
  }

  @Test
  void an_admin_setting_the_password_ends_sessions_api_keys_and_pending_tokens() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String id = s.register("victim@corp.example").path("id").asText();
      Foothold f = foothold(s, "victim@corp.example");
      String admin = s.adminToken("root@example.org");
      assertThat(
              s.call("PATCH", "/api/v1/users/" + id, obj("password", NEW_PASSWORD), admin).status())
          .isEqualTo(200);
      assertFootholdGone(s, f);
    }
  }

  @Test
  void the_command_line_setting_the_password_ends_api_keys_and_pending_tokens() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("victim@corp.example");
      Foothold f = foothold(s, "victim@corp.example");
      String id = s.userman().accounts().findByEmail("victim@corp.example").orElseThrow().id();
      s.userman()
          .accounts()
          .setPassword(
              id,
              org.userman.password.Password.of(NEW_PASSWORD),
              org.userman.common.Actor.COMMAND_LINE);
      assertFootholdGone(s, f);
    }
  }

  @Test
  void disabling_a_user_ends_pending_tokens_too() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String id = s.register("victim@corp.example").path("id").asText();
      Foothold f = foothold(s, "victim@corp.example");
      s.post("/api/v1/password-resets", obj("email", "victim@corp.example"));
      String reset = s.lastToken("victim@corp.example");
      String admin = s.adminToken("root@example.org");
      assertThat(s.call("PATCH", "/api/v1/users/" + id, obj("status", "disabled"), admin).status())
          .isEqualTo(200);
      assertThat(s.call("PATCH", "/api/v1/users/" + id, obj("status", "active"), admin).status())
          .isEqualTo(200);
      assertFootholdGone(s, f);
      assertThat(
              s.post(
                      "/api/v1/password-resets/confirm",
                      obj("token", reset, "password", NEW_PASSWORD))
                  .code())
          .isEqualTo("invalid_token");
    }
  }

  @Test
  void a_password_change_ends_other_sessions_and_a_pending_email_change_but_keeps_api_keys() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      Foothold f = foothold(s, "ada@example.org");
      String here = s.accessToken("ada@example.org");
      Resp changed =
          s.call(
              "PUT",
              "/api/v1/me/password",
              obj("current_password", PASSWORD, "new_password", NEW_PASSWORD),
              here);
      assertThat(changed.status()).isEqualTo(204);
      assertThat(s.get("/api/v1/me", here).status()).isEqualTo(200);
      assertThat(s.get("/api/v1/me", f.accessToken()).status()).isEqualTo(401);
      assertThat(s.get("/api/v1/me", f.apiKey()).status()).as("API keys stay").isEqualTo(200);
      assertThat(
              s.post("/api/v1/email-verifications/confirm", obj("token", f.emailChangeToken()))
                  .code())
          .isEqualTo("invalid_token");
    }
  }

  @Test
  void every_api_key_can_be_revoked_at_once() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      String one =
          s.call("POST", "/api/v1/me/api-keys", obj("name", "one"), token)
              .json()
              .path("key")
              .asText();
      String two =
          s.call("POST", "/api/v1/me/api-keys", obj("name", "two"), token)
              .json()
              .path("key")
              .asText();
      assertThat(s.call("DELETE", "/api/v1/me/api-keys", null, two).status())
          .as("not with a key")
          .isEqualTo(403);
      assertThat(s.call("DELETE", "/api/v1/me/api-keys", null, token).status()).isEqualTo(204);
      assertThat(s.get("/api/v1/me", one).status()).isEqualTo(401);
      assertThat(s.get("/api/v1/me", two).status()).isEqualTo(401);
      assertThat(s.get("/api/v1/me/api-keys", token).json().path("items")).isEmpty();
      assertThat(s.get("/api/v1/me/events?type=api_key_revoked", token).json().path("items"))
          .hasSize(1);
    }
  }

  @Test
  void an_email_change_ends_the_reset_and_verification_tokens_mailed_to_the_old_address() {
    try (TestServer s = TestServer.start()) {
      s.registerActive("ada@example.org");
      String token = s.accessToken("ada@example.org");
      s.post("/api/v1/password-resets", obj("email", "ada@example.org"));
      String reset = s.lastToken("ada@example.org");
      s.call(
          "POST",
          "/api/v1/me/email",
          obj("email", "new@example.org", "current_password", PASSWORD),
          token);
      assertThat(
              s.post(
                      "/api/v1/email-verifications/confirm",
                      obj("token", s.lastToken("new@example.org")))
                  .status())
          .isEqualTo(200);
      Resp late =
          s.post("/api/v1/password-resets/confirm", obj("token", reset, "password", NEW_PASSWORD));
      assertThat(late.status()).isEqualTo(400);
      assertThat(late.code()).isEqualTo("invalid_token");
      assertThat(
              s.post("/api/v1/sessions", obj("email", "new@example.org", "password", PASSWORD))
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void an_admin_changing_the_email_ends_the_tokens_mailed_to_the_old_address() {
    try (TestServer s = TestServer.start()) {
      String id = s.register("ada@example.org").path("id").asText();
      String verification = s.lastToken("ada@example.org");
      String admin = s.adminToken("root@example.org");
      assertThat(s.call("PATCH", "/api/v1/users/" + id, obj("status", "active"), admin).status())
          .isEqualTo(200);
      s.post("/api/v1/password-resets", obj("email", "ada@example.org"));
      String reset = s.lastToken("ada@example.org");
      assertThat(
              s.call("PATCH", "/api/v1/users/" + id, obj("email", "ada@new.example"), admin)
                  .status())
          .isEqualTo(200);
      assertThat(
              s.post(
                      "/api/v1/password-resets/confirm",
                      obj("token", reset, "password", NEW_PASSWORD))
                  .code())
          .isEqualTo("invalid_token");
      Resp verify = s.post("/api/v1/email-verifications/confirm", obj("token", verification));
      assertThat(verify.code()).isEqualTo("invalid_token");
      assertThat(s.get("/api/v1/users/" + id, admin).json().path("email_verified").asBoolean())
          .isFalse();
    }
  }
}
