package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

class RegistrationTest {

  @Test
  void verify_policy_registers_pending_user_and_mails_a_token_that_activates_it() {
    try (TestServer s = TestServer.start()) {
      Resp r =
          s.post(
              "/api/v1/users",
              obj(
                  "email",
                  "Ada@Example.org",
                  "password",
                  PASSWORD,
                  "name",
                  "Ada Lovelace",
                  "username",
                  "Ada"));
      assertThat(r.status()).isEqualTo(201);
      JsonNode u = r.json();
      assertThat(u.path("status").asText()).isEqualTo("pending");
      assertThat(u.path("email_verified").asBoolean()).isFalse();
      assertThat(u.path("username").asText()).isEqualTo("ada");
      assertThat(u.path("name").asText()).isEqualTo("Ada Lovelace");
      assertThat(u.path("roles")).isEmpty();
      assertThat(u.path("last_login_at").isNull()).isTrue();
      assertThat(u.has("password")).isFalse();
      assertThat(r.raw()).doesNotContain("argon2");
      assertThat(r.header("Location")).isEqualTo("/api/v1/users/" + u.path("id").asText());

      String mail = s.mailsTo("Ada@Example.org").get(0);
      assertThat(mail)
          .contains("http://userman.test/verify-email?token=" + TestServer.tokenIn(mail));
      Resp confirmed =
          s.post("/api/v1/email-verifications/confirm", obj("token", TestServer.tokenIn(mail)));
      assertThat(confirmed.status()).isEqualTo(200);
      assertThat(confirmed.json().path("status").asText()).isEqualTo("active");
      assertThat(confirmed.json().path("email_verified").asBoolean()).isTrue();
    }
  }

  @Test
  void open_policy_activates_at_once() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      JsonNode u = s.register("grace@example.org");
      assertThat(u.path("status").asText()).isEqualTo("active");
      assertThat(s.login("grace@example.org").path("user").path("id").asText())
          .isEqualTo(u.path("id").asText());
    }
  }

  @Test
  void approve_policy_keeps_user_pending_after_verification_until_an_admin_activates_it() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=approve")) {
      String admin = s.adminToken("root@example.org");
      JsonNode u = s.registerActive("lin@example.org");
      assertThat(u.path("status").asText()).isEqualTo("pending");
      assertThat(u.path("email_verified").asBoolean()).isTrue();
      Resp refused =
          s.post("/api/v1/sessions", obj("email", "lin@example.org", "password", PASSWORD));
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.code()).isEqualTo("account_not_active");

      Resp approved =
          s.call("PATCH", "/api/v1/users/" + u.path("id").asText(), obj("status", "active"), admin);
      assertThat(approved.status()).isEqualTo(200);
      assertThat(s.login("lin@example.org").path("user").path("status").asText())
          .isEqualTo("active");
    }
  }

  @Test
  void closed_policy_refuses_anyone_but_admins() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=closed")) {
      Resp r = s.post("/api/v1/users", obj("email", "x@example.org", "password", PASSWORD));
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.code()).isEqualTo("registration_closed");

      String admin = s.adminToken("root@example.org");
      Resp created =
          s.call(
              "POST", "/api/v1/users", obj("email", "x@example.org", "password", PASSWORD), admin);
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.json().path("status").asText()).isEqualTo("active");
    }
  }

  @Test
  void admin_sets_status_roles_and_verified_flag_but_users_may_not() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      s.roles("support");
      Resp created =
          s.call(
              "POST",
              "/api/v1/users",
              obj(
                  "email",
                  "ops@example.org",
                  "password",
                  PASSWORD,
                  "roles",
                  List.of("support", "admin"),
                  "status",
                  "disabled",
                  "email_verified",
                  true),
              admin);
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.json().path("roles").toString()).isEqualTo("[\"admin\",\"support\"]");
      assertThat(created.json().path("status").asText()).isEqualTo("disabled");
      assertThat(created.json().path("email_verified").asBoolean()).isTrue();
      assertThat(s.mailsTo("ops@example.org")).isEmpty();

      Resp anonymous =
          s.post(
              "/api/v1/users",
              obj("email", "sneaky@example.org", "password", PASSWORD, "roles", List.of("admin")));
      assertThat(anonymous.status()).isEqualTo(403);
      assertThat(anonymous.code()).isEqualTo("forbidden");
      s.register("plain@example.org");
      String user = s.accessToken("plain@example.org");
      Resp asUser =
          s.call(
              "POST",
              "/api/v1/users",
              obj("email", "s2@example.org", "password", PASSWORD, "status", "active"),
              user);
      assertThat(asUser.status()).isEqualTo(403);
    }
  }

  @Test
  void taken_email_and_username_are_refused_whatever_their_case() {
    try (TestServer s = TestServer.start()) {
      s.post(
          "/api/v1/users",
          obj("email", "ada@example.org", "password", PASSWORD, "username", "ada"));
      Resp email = s.post("/api/v1/users", obj("email", "ADA@EXAMPLE.ORG", "password", PASSWORD));
      assertThat(email.status()).isEqualTo(409);
      assertThat(email.code()).isEqualTo("email_taken");
      Resp username =
          s.post(
              "/api/v1/users",
              obj("email", "other@example.org", "password", PASSWORD, "username", "ADA"));
      assertThat(username.status()).isEqualTo(409);
      assertThat(username.code()).isEqualTo("username_taken");
    }
  }

  @Test
  void invalid_fields_are_all_named() {
    try (TestServer s = TestServer.start()) {
      Resp r =
          s.post(
              "/api/v1/users",
              obj(
                  "email",
                  "not-an-email",
                  "password",
                  "short",
                  "username",
                  "no spaces!",
                  "name",
                  "x".repeat(201)));
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.code()).isEqualTo("validation_failed");
      assertThat(r.json().path("errors").findValuesAsText("field"))
          .contains("email", "password", "username", "name");
      assertThat(r.json().path("errors").toString())
          .contains("too_short", "invalid_format", "too_long");

      Resp missing = s.post("/api/v1/users", obj());
      assertThat(missing.status()).isEqualTo(400);
      assertThat(missing.json().path("errors").toString())
          .contains(
              "\"field\":\"email\",\"code\":\"required\"",
              "\"field\":\"password\",\"code\":\"required\"");

      Resp tooLongPassword =
          s.post("/api/v1/users", obj("email", "a@example.org", "password", "p".repeat(257)));
      assertThat(tooLongPassword.json().path("errors").toString()).contains("too_long");

      Resp userInfo =
          s.post(
              "/api/v1/users",
              obj("email", "margaret@example.org", "password", "margaret-2026-xyz"));
      assertThat(userInfo.json().path("errors").toString()).contains("contains_user_info");

      Resp bigAttributes =
          s.post(
              "/api/v1/users",
              obj(
                  "email",
                  "b@example.org",
                  "password",
                  PASSWORD,
                  "attributes",
                  obj("blob", "x".repeat(17_000))));
      assertThat(bigAttributes.status()).isEqualTo(400);
      assertThat(bigAttributes.json().path("errors").toString()).contains("attributes");
    }
  }
}
