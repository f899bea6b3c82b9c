package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.cli.RootCommand;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.server.support.TotpCodes;
import picocli.CommandLine;

/** TOTP, recovery codes, the two-step sign-in, step-up and the admin's reset, over HTTP. */
class SecondFactorTest {
  private static final String ADA = "ada@example.org";

  /** An account with TOTP on: its secret, recovery codes and a session that signed in before. */
  private record Enrolled(String secret, List<String> recoveryCodes, String token) {}

  private static Enrolled enrol(TestServer s, String email) {
    String token = s.accessToken(email);
    Resp begun = s.call("POST", "/api/v1/me/totp", obj("current_password", PASSWORD), token);
    assertThat(begun.status()).as(begun.toString()).isEqualTo(201);
    String secret = begun.text("secret");
    Resp confirmed =
        s.call(
            "POST",
            "/api/v1/me/totp/confirm",
            obj("code", TotpCodes.at(secret, s.clock.instant())),
            token);
    assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
    List<String> codes = new ArrayList<>();
    confirmed.json().path("recovery_codes").forEach(c -> codes.add(c.asText()));
    // the code that confirmed is spent: the next sign-in uses the next step's
    s.clock.advance(Duration.ofSeconds(30));
    return new Enrolled(secret, codes, token);
  }

  private static Resp passwordStep(TestServer s, String email) {
    return s.post("/api/v1/sessions", obj("email", email, "password", PASSWORD));
  }

  private static Resp complete(TestServer s, String challenge, String field, String value) {
    return s.post("/api/v1/sessions/mfa", obj("challenge", challenge, field, value));
  }

  private static JsonNode claims(String jwt) {
    try {
      return TestServer.JSON.readTree(
          new String(
              Base64.getUrlDecoder()
                  .decode(jwt.substring(jwt.indexOf('.') + 1, jwt.lastIndexOf('.'))),
              StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void enrolment_gives_a_secret_an_otpauth_uri_and_ten_recovery_codes_after_a_first_code() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      String token = s.accessToken(ADA);
      assertThat(
              s.call("POST", "/api/v1/me/totp", obj("current_password", "wrong password!"), token)
                  .code())
          .isEqualTo("invalid_credentials");
      Resp begun = s.call("POST", "/api/v1/me/totp", obj("current_password", PASSWORD), token);
      assertThat(begun.status()).isEqualTo(201);
      assertThat(begun.header("Cache-Control")).isEqualTo("no-store");
      String secret = begun.text("secret");
      assertThat(secret).matches("[A-Z2-7]{32}");
      assertThat(begun.text("uri"))
          .isEqualTo(
              "otpauth://totp/Userman:ada%40example.org?secret="
                  + secret
                  + "&issuer=Userman&algorithm=SHA1&digits=6&period=30");
      assertThat(
              s.get("/api/v1/me/second-factors", token)
                  .json()
                  .path("totp")
                  .path("pending")
                  .asBoolean())
          .isTrue();
      // until it is confirmed, a password still signs in alone
      assertThat(passwordStep(s, ADA).status()).isEqualTo(201);

      Resp wrong = s.call("POST", "/api/v1/me/totp/confirm", obj("code", "000000"), token);
      assertThat(wrong.status()).isEqualTo(400);
      assertThat(wrong.code()).isEqualTo("invalid_code");
      Resp confirmed =
          s.call(
              "POST",
              "/api/v1/me/totp/confirm",
              obj("code", TotpCodes.at(secret, s.clock.instant())),
              token);
      assertThat(confirmed.status()).isEqualTo(200);
      JsonNode codes = confirmed.json().path("recovery_codes");
      assertThat(codes).hasSize(10);
      assertThat(codes.get(0).asText()).matches("[0-9a-z]{5}-[0-9a-z]{5}");
      JsonNode status = s.get("/api/v1/me/second-factors", token).json();
      assertThat(status.path("totp").path("enabled").asBoolean()).isTrue();
      assertThat(status.path("recovery_codes_left").asInt()).isEqualTo(10);
      assertThat(s.call("POST", "/api/v1/me/totp", obj("current_password", PASSWORD), token).code())
          .isEqualTo("totp_enabled");
      assertThat(s.mailsTo(ADA)).anyMatch(m -> m.contains("Two-step sign-in is on"));
      // the secret is sealed at rest: the database does not hold it in clear
      assertThat(s.column("SELECT secret FROM totp_factors"))
          .singleElement()
          .asString()
          .startsWith("v1.")
          .doesNotContain(secret);
      assertThat(String.join(",", s.column("SELECT code_hash FROM recovery_codes")))
          .doesNotContain(codes.get(0).asText().replace("-", ""));
    }
  }

  @Test
  void sign_in_takes_two_steps_and_each_code_works_once() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      Enrolled e = enrol(s, ADA);
      Resp first = passwordStep(s, ADA);
      assertThat(first.status()).isEqualTo(202);
      assertThat(first.header("Cache-Control")).isEqualTo("no-store");
      assertThat(first.json().path("second_factor_required").asBoolean()).isTrue();
      assertThat(first.json().has("access_token")).isFalse();
      assertThat(first.json().path("expires_in").asLong()).isEqualTo(300);
      assertThat(first.json().path("factors").toString()).isEqualTo("[\"totp\",\"recovery_code\"]");
      String code = TotpCodes.at(e.secret(), s.clock.instant());
      Resp done = complete(s, first.text("challenge"), "code", code);
      assertThat(done.status()).as(done.toString()).isEqualTo(201);
      assertThat(done.json().path("session").path("amr").toString())
          .isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
      String access = done.text("access_token");
      assertThat(claims(access).path("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
      assertThat(s.get("/api/v1/me", access).status()).isEqualTo(200);
      // a refreshed token says the same
      Resp refreshed =
          s.post("/api/v1/sessions/refresh", obj("refresh_token", done.text("refresh_token")));
      assertThat(claims(refreshed.text("access_token")).path("amr").toString())
          .isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
      // the challenge is spent
      assertThat(complete(s, first.text("challenge"), "code", code).code())
          .isEqualTo("invalid_token");

      // the same code, in the same window, for another sign-in: refused
      Resp second = passwordStep(s, ADA);
      Resp reused = complete(s, second.text("challenge"), "code", code);
      assertThat(reused.status()).isEqualTo(401);
      assertThat(reused.code()).isEqualTo("invalid_code");
      // the next window's code works, on the same challenge
      s.clock.advance(Duration.ofSeconds(30));
      assertThat(
              complete(
                      s,
                      second.text("challenge"),
                      "code",
                      TotpCodes.at(e.secret(), s.clock.instant()))
                  .status())
          .isEqualTo(201);
      // a session signed in with a password alone says so
      s.register("grace@example.org");
      assertThat(claims(s.accessToken("grace@example.org")).path("amr").toString())
          .isEqualTo("[\"pwd\"]");
    }
  }

  @Test
  void a_challenge_expires_and_wrong_codes_end_it_and_count_against_the_sign_in_limit() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_LOGIN_PER_ACCOUNT=6/15m")) {
      s.register(ADA);
      Enrolled e = enrol(s, ADA);
      String late = passwordStep(s, ADA).text("challenge");
      s.clock.advance(Duration.ofMinutes(5));
      assertThat(complete(s, late, "code", TotpCodes.at(e.secret(), s.clock.instant())).code())
          .isEqualTo("invalid_token");

      String challenge = passwordStep(s, ADA).text("challenge");
      for (int i = 0; i < 4; i++) {
        assertThat(complete(s, challenge, "code", "000000").code()).isEqualTo("invalid_code");
      }
      assertThat(complete(s, challenge, "recovery_code", "aaaaa-aaaaa").code())
          .isEqualTo("invalid_code");
      // five wrong answers ended it, even for the right code
      assertThat(complete(s, challenge, "code", TotpCodes.at(e.secret(), s.clock.instant())).code())
          .isEqualTo("invalid_token");
      // and they came from the account's budget, which the right password does not refill
      String next = passwordStep(s, ADA).text("challenge");
      assertThat(complete(s, next, "code", "111111").code()).isEqualTo("invalid_code");
      assertThat(complete(s, next, "code", TotpCodes.at(e.secret(), s.clock.instant())).code())
          .isEqualTo("rate_limited");
      assertThat(passwordStep(s, ADA).code()).isEqualTo("rate_limited");

      String admin = s.adminToken("root@example.org");
      assertThat(
              s.get("/api/v1/audit-events?type=second_factor_failed", admin)
                  .json()
                  .path("items")
                  .size())
          .isEqualTo(6);
    }
  }

  @Test
  void a_recovery_code_signs_in_once_and_its_use_is_audited_and_mailed() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      Enrolled e = enrol(s, ADA);
      String code = e.recoveryCodes().get(3);
      Resp done =
          complete(
              s,
              passwordStep(s, ADA).text("challenge"),
              "recovery_code",
              " " + code.toUpperCase(java.util.Locale.ROOT).replace("-", " ") + " ");
      assertThat(done.status()).as(done.toString()).isEqualTo(201);
      assertThat(done.json().path("session").path("amr").toString())
          .isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
      assertThat(complete(s, passwordStep(s, ADA).text("challenge"), "recovery_code", code).code())
          .isEqualTo("invalid_code");
      String token = done.text("access_token");
      assertThat(
              s.get("/api/v1/me/second-factors", token).json().path("recovery_codes_left").asInt())
          .isEqualTo(9);
      assertThat(s.mailsTo(ADA))
          .anyMatch(m -> m.contains("A recovery code stood in") && m.contains("9 of the codes"));
      assertThat(s.get("/api/v1/me/events?type=recovery_code_used", token).json().path("items"))
          .hasSize(1);

      // a new set replaces the old
      Resp fresh = s.call("POST", "/api/v1/me/recovery-codes", null, token);
      assertThat(fresh.status()).isEqualTo(201);
      assertThat(fresh.json().path("recovery_codes")).hasSize(10);
      assertThat(
              complete(
                      s,
                      passwordStep(s, ADA).text("challenge"),
                      "recovery_code",
                      e.recoveryCodes().get(0))
                  .code())
          .isEqualTo("invalid_code");
      assertThat(
              complete(
                      s,
                      passwordStep(s, ADA).text("challenge"),
                      "recovery_code",
                      fresh.json().path("recovery_codes").get(0).asText())
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void sensitive_actions_need_a_recent_proof_once_a_second_factor_is_on() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      Enrolled e = enrol(s, ADA);
      Resp first = passwordStep(s, ADA);
      String token =
          complete(s, first.text("challenge"), "code", TotpCodes.at(e.secret(), s.clock.instant()))
              .text("access_token");
      assertThat(s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), token).status())
          .isEqualTo(201);

      s.clock.advance(Duration.ofMinutes(6));
      Resp key = s.call("POST", "/api/v1/me/api-keys", obj("name", "ci 2"), token);
      assertThat(key.status()).isEqualTo(403);
      assertThat(key.code()).isEqualTo("reauthentication_required");
      assertThat(
              s.call(
                      "PUT",
                      "/api/v1/me/password",
                      obj("current_password", PASSWORD, "new_password", "another long passphrase"),
                      token)
                  .code())
          .isEqualTo("reauthentication_required");
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/me/email",
                      obj("email", "ada2@example.org", "current_password", PASSWORD),
                      token)
                  .code())
          .isEqualTo("reauthentication_required");
      assertThat(s.call("POST", "/api/v1/me/recovery-codes", null, token).code())
          .isEqualTo("reauthentication_required");

      // a password alone is not a fresh second factor
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/sessions/current/reauthenticate",
                      obj("password", PASSWORD),
                      token)
                  .code())
          .isEqualTo("validation_failed");
      Resp wrong =
          s.call("POST", "/api/v1/sessions/current/reauthenticate", obj("code", "000000"), token);
      assertThat(wrong.status()).as("the token is fine: not a 401").isEqualTo(400);
      assertThat(wrong.code()).isEqualTo("invalid_code");
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/sessions/current/reauthenticate",
                      obj("code", TotpCodes.at(e.secret(), s.clock.instant())),
                      token)
                  .status())
          .isEqualTo(204);
      assertThat(s.call("POST", "/api/v1/me/api-keys", obj("name", "ci 2"), token).status())
          .isEqualTo(201);
      assertThat(
              s.call(
                      "PUT",
                      "/api/v1/me/password",
                      obj("current_password", PASSWORD, "new_password", "another long passphrase"),
                      token)
                  .status())
          .isEqualTo(204);
    }
  }

  @Test
  void an_account_without_a_second_factor_re_authenticates_with_its_password() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      String token = s.accessToken(ADA);
      assertThat(s.call("POST", "/api/v1/me/api-keys", obj("name", "fresh"), token).status())
          .as("right after signing in")
          .isEqualTo(201);
      s.clock.advance(Duration.ofMinutes(10));
      Resp late = s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), token);
      assertThat(late.status()).isEqualTo(403);
      assertThat(late.code()).isEqualTo("reauthentication_required");
      assertThat(late.json().path("detail").asText()).contains("your password");
      assertThat(
              s.call(
                      "PUT",
                      "/api/v1/me/password",
                      obj(
                          "current_password",
                          PASSWORD,
                          "new_password",
                          "a new and long passphrase"),
                      token)
                  .status())
          .as("a change that asks for the current password carries its own proof")
          .isEqualTo(204);
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/sessions/current/reauthenticate",
                      obj("password", PASSWORD),
                      token)
                  .status())
          .as("the old password")
          .isEqualTo(400);
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/sessions/current/reauthenticate",
                      obj("password", "a new and long passphrase"),
                      token)
                  .status())
          .isEqualTo(204);
      assertThat(s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), token).status())
          .isEqualTo(201);
    }
  }

  @Test
  void an_admin_without_a_second_factor_proves_it_recently_to_set_a_users_password() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      String ada = s.register(ADA).path("id").asText();
      s.clock.advance(Duration.ofMinutes(6));
      Resp late =
          s.call(
              "PATCH", "/api/v1/users/" + ada, obj("password", "a new and long passphrase"), admin);
      assertThat(late.code()).isEqualTo("reauthentication_required");
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/sessions/current/reauthenticate",
                      obj("password", PASSWORD),
                      admin)
                  .status())
          .isEqualTo(204);
      assertThat(
              s.call(
                      "PATCH",
                      "/api/v1/users/" + ada,
                      obj("password", "a new and long passphrase"),
                      admin)
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void turning_totp_off_needs_the_password_and_a_code() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      Enrolled e = enrol(s, ADA);
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/me/totp/disable",
                      obj("current_password", PASSWORD, "code", "000000"),
                      e.token())
                  .code())
          .isEqualTo("invalid_code");
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/me/totp/disable",
                      obj(
                          "current_password",
                          "wrong password!",
                          "code",
                          TotpCodes.at(e.secret(), s.clock.instant())),
                      e.token())
                  .code())
          .isEqualTo("invalid_credentials");
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/me/totp/disable",
                      obj("current_password", PASSWORD, "recovery_code", e.recoveryCodes().get(0)),
                      e.token())
                  .status())
          .isEqualTo(204);
      assertThat(passwordStep(s, ADA).status()).isEqualTo(201);
      assertThat(s.mailsTo(ADA)).anyMatch(m -> m.contains("Two-step sign-in is off"));
    }
  }

  @Test
  void an_admin_resets_a_users_factors_audited_and_mailed() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String id = s.register(ADA).path("id").asText();
      enrol(s, ADA);
      String admin = s.adminToken("root@example.org");
      assertThat(s.call("DELETE", "/api/v1/users/" + id + "/second-factors", null, e(s)).status())
          .isEqualTo(403);
      String adminKey =
          s.call("POST", "/api/v1/me/api-keys", obj("name", "ops"), admin)
              .json()
              .path("key")
              .asText();
      Resp byKey = s.call("DELETE", "/api/v1/users/" + id + "/second-factors", null, adminKey);
      assertThat(byKey.status()).as("an admin's API key never touches credentials").isEqualTo(403);
      assertThat(s.call("DELETE", "/api/v1/users/nobody/second-factors", null, admin).status())
          .isEqualTo(404);
      assertThat(s.call("DELETE", "/api/v1/users/" + id + "/second-factors", null, admin).status())
          .isEqualTo(204);
      assertThat(passwordStep(s, ADA).status()).isEqualTo(201);
      assertThat(s.mailsTo(ADA)).anyMatch(m -> m.contains("An administrator removed"));
      JsonNode events =
          s.get("/api/v1/audit-events?type=second_factors_reset&user_id=" + id, admin)
              .json()
              .path("items");
      assertThat(events).hasSize(1);
      assertThat(events.get(0).path("actor_id").asText())
          .isEqualTo(s.get("/api/v1/me", admin).json().path("id").asText());
    }
  }

  @Test
  void an_admin_changing_their_own_credentials_through_the_users_api_needs_a_recent_proof_too() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.adminToken("root@example.org");
      Enrolled e = enrol(s, "root@example.org");
      String id = s.get("/api/v1/me", e.token()).json().path("id").asText();
      s.clock.advance(Duration.ofMinutes(6));
      Resp password =
          s.call(
              "PATCH",
              "/api/v1/users/" + id,
              obj("password", "a new and long passphrase"),
              e.token());
      assertThat(password.status()).isEqualTo(403);
      assertThat(password.code()).isEqualTo("reauthentication_required");
      Resp email =
          s.call("PATCH", "/api/v1/users/" + id, obj("email", "root2@example.org"), e.token());
      assertThat(email.code()).isEqualTo("reauthentication_required");
      assertThat(s.call("PATCH", "/api/v1/users/" + id, obj("name", "Root"), e.token()).status())
          .as("the rest of a profile needs no proof")
          .isEqualTo(200);
    }
  }

  @Test
  void the_command_line_resets_a_users_factors() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      enrol(s, ADA);
      CommandLine cl =
          RootCommand.commandLine(s.env(), new java.io.ByteArrayInputStream(new byte[0]));
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.StringWriter err = new java.io.StringWriter();
      cl.setOut(new java.io.PrintWriter(out, true));
      cl.setErr(new java.io.PrintWriter(err, true));
      assertThat(cl.execute("users", "reset-factors", ADA)).as(err.toString()).isZero();
      assertThat(out.toString()).startsWith("second factors reset for ");
      assertThat(passwordStep(s, ADA).status()).isEqualTo(201);
      // queued by the command line, on its own clock: for whichever node sends next
      assertThat(s.column("SELECT subject FROM mail_queue WHERE recipient = ?", ADA))
          .contains("An administrator removed your Userman second factor");
      assertThat(cl.execute("users", "reset-factors", "nobody@example.org")).isNotZero();
    }
  }

  /** A signed-in user who is not an admin. */
  private static String e(TestServer s) {
    s.register("eve@example.org");
    return s.accessToken("eve@example.org");
  }
}
