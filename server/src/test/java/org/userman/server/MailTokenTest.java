package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/** Verification, email change and password reset: every way a mailed token can be bad. */
class MailTokenTest {

  private static void assertInvalidToken(Resp r) {
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("invalid_token");
  }

  @Test
  void verification_token_is_single_use() {
    try (TestServer s = TestServer.start()) {
      s.register("ada@example.org");
      String token = s.lastToken("ada@example.org");
      assertThat(s.post("/api/v1/email-verifications/confirm", obj("token", token)).status())
          .isEqualTo(200);
      assertInvalidToken(s.post("/api/v1/email-verifications/confirm", obj("token", token)));
    }
  }

  @Test
  void a_new_verification_mail_supersedes_the_old_one() {
    try (TestServer s = TestServer.start()) {
      s.register("ada@example.org");
      String first = s.lastToken("ada@example.org");
      assertThat(s.post("/api/v1/email-verifications", obj("email", "ada@example.org")).status())
          .isEqualTo(202);
      assertThat(s.mailsTo("ada@example.org")).hasSize(2);
      String second = s.lastToken("ada@example.org");
      assertInvalidToken(s.post("/api/v1/email-verifications/confirm", obj("token", first)));
      assertThat(s.post("/api/v1/email-verifications/confirm", obj("token", second)).status())
          .isEqualTo(200);
    }
  }

  @Test
  void verification_token_expires_after_24_hours() {
    try (TestServer s = TestServer.start()) {
      s.register("ada@example.org");
      String token = s.lastToken("ada@example.org");
      s.clock.advance(Duration.ofHours(24).plusSeconds(1));
      assertInvalidToken(s.post("/api/v1/email-verifications/confirm", obj("token", token)));
    }
  }

  @Test
  void unknown_and_missing_tokens_are_refused() {
    try (TestServer s = TestServer.start()) {
      assertInvalidToken(s.post("/api/v1/email-verifications/confirm", obj("token", "nope")));
      assertInvalidToken(
          s.post("/api/v1/password-resets/confirm", obj("token", "nope", "password", PASSWORD)));
      Resp missing = s.post("/api/v1/email-verifications/confirm", obj());
      assertThat(missing.status()).isEqualTo(400);
      assertThat(missing.code()).isEqualTo("validation_failed");
    }
  }

  @Test
  void verification_request_answers_alike_for_known_unknown_and_verified_addresses() {
    try (TestServer s = TestServer.start()) {
      s.registerActive("ada@example.org");
      Resp unknown = s.post("/api/v1/email-verifications", obj("email", "nobody@example.org"));
      Resp verified = s.post("/api/v1/email-verifications", obj("email", "ada@example.org"));
      assertThat(unknown.status()).isEqualTo(202);
      assertThat(verified.status()).isEqualTo(202);
      assertThat(unknown.raw()).isEqualTo(verified.raw());
      assertThat(s.mailsTo("nobody@example.org")).isEmpty();
      assertThat(s.mailsTo("ada@example.org")).hasSize(1);
      assertThat(s.post("/api/v1/email-verifications", obj("email", "not an email")).status())
          .isEqualTo(400);
    }
  }

  @Test
  void password_reset_sets_the_password_and_ends_every_session() {
    try (TestServer s = TestServer.start()) {
      s.registerActive("ada@example.org");
      String access = s.accessToken("ada@example.org");
      Resp unknown = s.post("/api/v1/password-resets", obj("email", "nobody@example.org"));
      Resp known = s.post("/api/v1/password-resets", obj("email", "ada@example.org"));
      assertThat(unknown.status()).isEqualTo(202);
      assertThat(known.status()).isEqualTo(202);
      assertThat(unknown.raw()).isEqualTo(known.raw());
      String mail = s.mailsTo("ada@example.org").get(1);
      assertThat(mail).contains("http://userman.test/reset-password?token=");
      String token = TestServer.tokenIn(mail);

      Resp weak =
          s.post("/api/v1/password-resets/confirm", obj("token", token, "password", "short"));
      assertThat(weak.status()).isEqualTo(400);
      assertThat(weak.code()).isEqualTo("validation_failed");

      Resp done =
          s.post(
              "/api/v1/password-resets/confirm",
              obj("token", token, "password", "a brand new passphrase"));
      assertThat(done.status()).isEqualTo(204);
      assertThat(s.get("/api/v1/me", access).status()).isEqualTo(401);
      assertThat(
              s.post("/api/v1/sessions", obj("email", "ada@example.org", "password", PASSWORD))
                  .status())
          .isEqualTo(401);
      assertThat(
              s.post(
                      "/api/v1/sessions",
                      obj("email", "ada@example.org", "password", "a brand new passphrase"))
                  .status())
          .isEqualTo(201);
      assertInvalidToken(
          s.post(
              "/api/v1/password-resets/confirm",
              obj("token", token, "password", "another new passphrase")));
    }
  }

  @Test
  void reset_tokens_are_superseded_and_expire_after_an_hour() {
    try (TestServer s = TestServer.start()) {
      s.registerActive("ada@example.org");
      s.post("/api/v1/password-resets", obj("email", "ada@example.org"));
      String first = s.lastToken("ada@example.org");
      s.post("/api/v1/password-resets", obj("email", "ada@example.org"));
      String second = s.lastToken("ada@example.org");
      assertInvalidToken(
          s.post(
              "/api/v1/password-resets/confirm",
              obj("token", first, "password", "a brand new passphrase")));
      s.clock.advance(Duration.ofMinutes(61));
      assertInvalidToken(
          s.post(
              "/api/v1/password-resets/confirm",
              obj("token", second, "password", "a brand new passphrase")));
    }
  }

  @Test
  void email_change_takes_effect_when_the_new_address_confirms() {
    try (TestServer s = TestServer.start()) {
      s.registerActive("ada@example.org");
      s.registerActive("taken@example.org");
      String access = s.accessToken("ada@example.org");

      Resp wrong =
          s.call(
              "POST",
              "/api/v1/me/email",
              obj("email", "new@example.org", "current_password", "wrong password!"),
              access);
      assertThat(wrong.status()).isEqualTo(400);
      assertThat(wrong.code()).isEqualTo("invalid_credentials");
      Resp taken =
          s.call(
              "POST",
              "/api/v1/me/email",
              obj("email", "TAKEN@example.org", "current_password", PASSWORD),
              access);
      assertThat(taken.status()).isEqualTo(409);
      assertThat(taken.code()).isEqualTo("email_taken");

      Resp asked =
          s.call(
              "POST",
              "/api/v1/me/email",
              obj("email", "new@example.org", "current_password", PASSWORD),
              access);
      assertThat(asked.status()).isEqualTo(202);
      assertThat(s.get("/api/v1/me", access).text("email")).isEqualTo("ada@example.org");
      Resp confirmed =
          s.post(
              "/api/v1/email-verifications/confirm", obj("token", s.lastToken("new@example.org")));
      assertThat(confirmed.status()).isEqualTo(200);
      assertThat(confirmed.text("email")).isEqualTo("new@example.org");
      assertThat(s.get("/api/v1/me", access).text("email")).isEqualTo("new@example.org");
      assertThat(
              s.post("/api/v1/sessions", obj("email", "new@example.org", "password", PASSWORD))
                  .status())
          .isEqualTo(201);
    }
  }
}
