package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.userman.server.cli.RootCommand;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import picocli.CommandLine;

/** The brute-force limits hold whatever name, spelling, timing or endpoint an attacker uses. */
class SignInLimitTest {

  private static Resp login(TestServer s, String field, String login, String password) {
    return s.post("/api/v1/sessions", obj(field, login, "password", password));
  }

  @Test
  void failed_sign_ins_count_per_account_whatever_name_reached_it() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_LOGIN_PER_ACCOUNT=4/15m")) {
      s.post(
          "/api/v1/users",
          obj("email", "frank@example.org", "password", PASSWORD, "username", "frank"));
      // four names for one account: each would have had a fresh bucket of its own
      assertThat(login(s, "username", "frank ", "wrong password 1").status()).isEqualTo(401);
      assertThat(login(s, "username", "FRANK", "wrong password 2").status()).isEqualTo(401);
      assertThat(login(s, "email", " Frank@Example.org", "wrong password 3").status())
          .isEqualTo(401);
      assertThat(
              login(s, "username", "\uff46\uff52\uff41\uff4e\uff4b", "wrong password 4").status())
          .as("NFKC")
          .isEqualTo(401);
      assertThat(login(s, "email", "frank@example.org", PASSWORD).code()).isEqualTo("rate_limited");
      assertThat(login(s, "username", "frank", PASSWORD).code()).isEqualTo("rate_limited");
    }
  }

  @Test
  void unknown_names_are_limited_per_normalized_name_like_known_ones() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_LOGIN_PER_ACCOUNT=2/15m")) {
      assertThat(login(s, "username", "ghost ", "wrong password").status()).isEqualTo(401);
      assertThat(login(s, "username", "GHOST", "wrong password").status()).isEqualTo(401);
      assertThat(login(s, "username", "ghost", "wrong password").code()).isEqualTo("rate_limited");
    }
  }

  @Test
  void concurrent_wrong_passwords_try_at_most_the_limit() throws Exception {
    try (TestServer s =
            TestServer.start(
                "USERMAN_REGISTRATION=open", "USERMAN_LIMITS_LOGIN_PER_ACCOUNT=10/15m");
        ExecutorService pool = Executors.newFixedThreadPool(25)) {
      s.register("ada@example.org");
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        String guess = "wrong guess number " + i;
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return login(s, "email", "ada@example.org", guess).status();
                }));
      }
      go.countDown();
      int tried = 0;
      int limited = 0;
      for (Future<Integer> a : answers) {
        int status = a.get();
        if (status == 401) {
          tried++;
        } else if (status == 429) {
          limited++;
        }
      }
      assertThat(tried).as("passwords tried").isLessThanOrEqualTo(10);
      assertThat(tried + limited).isEqualTo(25);
      String admin = s.adminToken("root@example.org");
      assertThat(
              s.get("/api/v1/audit-events?type=login_failed&limit=200", admin)
                  .json()
                  .path("items")
                  .size())
          .isLessThanOrEqualTo(10);
    }
  }

  @Test
  void a_wrong_current_password_counts_against_the_sign_in_limit() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_LOGIN_PER_ACCOUNT=3/15m")) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      ObjectNode change =
          obj("current_password", "guess one", "new_password", "a brand new passphrase");
      assertThat(s.call("PUT", "/api/v1/me/password", change, token).code())
          .isEqualTo("invalid_credentials");
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/me/email",
                      obj("email", "x@example.org", "current_password", "guess two"),
                      token)
                  .code())
          .isEqualTo("invalid_credentials");
      assertThat(login(s, "email", "ada@example.org", "guess three").code())
          .isEqualTo("invalid_credentials");
      Resp limited =
          s.call(
              "PUT",
              "/api/v1/me/password",
              obj("current_password", PASSWORD, "new_password", "a brand new passphrase"),
              token);
      assertThat(limited.status()).isEqualTo(429);
      assertThat(login(s, "email", "ada@example.org", PASSWORD).code()).isEqualTo("rate_limited");
      // a right current password does not use the allowance up
      s.clock.advance(Duration.ofMinutes(15));
      String fresh = s.accessToken("ada@example.org");
      for (int i = 0; i < 4; i++) {
        assertThat(
                s.call(
                        "POST",
                        "/api/v1/me/email",
                        obj("email", "n" + i + "@example.org", "current_password", PASSWORD),
                        fresh)
                    .status())
            .isEqualTo(202);
      }
    }
  }

  @Test
  void email_change_requests_are_limited_per_user_and_per_target_address() {
    try (TestServer s =
        TestServer.start(
            "USERMAN_REGISTRATION=open",
            "USERMAN_LIMITS_EMAIL_CHANGE_PER_USER=3/1h",
            "USERMAN_LIMITS_VERIFICATION_PER_EMAIL=2/1h")) {
      s.register("ada@example.org");
      s.register("bob@example.org");
      String ada = s.accessToken("ada@example.org");
      String bob = s.accessToken("bob@example.org");
      for (int i = 0; i < 2; i++) {
        assertThat(
                s.call(
                        "POST",
                        "/api/v1/me/email",
                        obj("email", "stranger@example.net", "current_password", PASSWORD),
                        ada)
                    .status())
            .isEqualTo(202);
      }
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/me/email",
                      obj("email", "Stranger@example.net", "current_password", PASSWORD),
                      bob)
                  .code())
          .as("a third mail to one stranger, from anyone")
          .isEqualTo("rate_limited");
      assertThat(s.mailsTo("stranger@example.net")).hasSize(2);
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/me/email",
                      obj("email", "other@example.net", "current_password", PASSWORD),
                      ada)
                  .status())
          .isEqualTo(202);
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/me/email",
                      obj("email", "third@example.net", "current_password", PASSWORD),
                      ada)
                  .code())
          .as("a fourth request of one user")
          .isEqualTo("rate_limited");
    }
  }

  @Test
  void refreshes_and_token_confirmations_are_limited_per_client_address() {
    try (TestServer s =
        TestServer.start(
            "USERMAN_REGISTRATION=open",
            "USERMAN_LIMITS_REFRESH_PER_IP=3/1m",
            "USERMAN_LIMITS_TOKEN_CONFIRM_PER_IP=3/1h")) {
      for (int i = 0; i < 3; i++) {
        assertThat(s.post("/api/v1/sessions/refresh", obj("refresh_token", "made-up-" + i)).code())
            .isEqualTo("invalid_token");
      }
      assertThat(s.post("/api/v1/sessions/refresh", obj("refresh_token", "made-up")).status())
          .isEqualTo(429);
      assertThat(
              s.post("/api/v1/password-resets/confirm", obj("token", "a", "password", PASSWORD))
                  .code())
          .isEqualTo("invalid_token");
      assertThat(s.post("/api/v1/email-verifications/confirm", obj("token", "b")).code())
          .isEqualTo("invalid_token");
      assertThat(
              s.post("/api/v1/password-resets/confirm", obj("token", "c", "password", PASSWORD))
                  .code())
          .isEqualTo("invalid_token");
      assertThat(s.post("/api/v1/email-verifications/confirm", obj("token", "d")).status())
          .isEqualTo(429);
      assertThat(
              s.post("/api/v1/password-resets/confirm", obj("token", "e", "password", PASSWORD))
                  .status())
          .isEqualTo(429);
    }
  }

  @Test
  void an_admin_lifts_a_lock_and_it_is_audited() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_LOGIN_PER_ACCOUNT=2/15m")) {
      String id = s.register("ada@example.org").path("id").asText();
      String admin = s.adminToken("root@example.org");
      lock(s, "ada@example.org");
      assertThat(s.call("POST", "/api/v1/users/" + id + "/unlock", null, admin).status())
          .isEqualTo(204);
      assertThat(login(s, "email", "ada@example.org", PASSWORD).status()).isEqualTo(201);
      Resp events = s.get("/api/v1/audit-events?type=unlocked&user_id=" + id, admin);
      assertThat(events.json().path("items")).hasSize(1);
      assertThat(events.json().path("items").get(0).path("actor_id").asText()).isNotEmpty();
      // only admins, and only users that exist
      s.register("bob@example.org");
      String bob = s.accessToken("bob@example.org");
      assertThat(s.call("POST", "/api/v1/users/" + id + "/unlock", null, bob).status())
          .isEqualTo(403);
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/users/0190a0a0-0000-7000-8000-000000000000/unlock",
                      null,
                      admin)
                  .status())
          .isEqualTo(404);
    }
  }

  @Test
  void the_command_line_lifts_a_lock() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_LOGIN_PER_ACCOUNT=2/15m")) {
      s.register("ada@example.org");
      lock(s, "ada@example.org");
      CommandLine cl = RootCommand.commandLine(s.env(), new ByteArrayInputStream(new byte[0]));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      assertThat(cl.execute("users", "unlock", "ada@example.org")).as(err.toString()).isZero();
      assertThat(out.toString()).startsWith("unlocked ");
      assertThat(login(s, "email", "ada@example.org", PASSWORD).status()).isEqualTo(201);
    }
  }

  private static void lock(TestServer s, String email) {
    for (int i = 0; i < 2; i++) {
      assertThat(login(s, "email", email, "a wrong password").status()).isEqualTo(401);
    }
    assertThat(login(s, "email", email, PASSWORD).code()).isEqualTo("rate_limited");
  }
}
