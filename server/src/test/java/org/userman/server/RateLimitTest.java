package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.testkit.TestDatabases;

/**
 * Each limit fires with 429 rate_limited and Retry-After, and lets requests through again later.
 */
class RateLimitTest {

  @Test
  void sign_ins_from_one_address_are_limited_then_allowed_again() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_LOGIN_PER_IP=3/1m")) {
      s.register("ada@example.org");
      for (int i = 0; i < 3; i++) {
        assertThat(login(s, "ada@example.org", PASSWORD).status()).isEqualTo(201);
      }
      Resp refused = login(s, "ada@example.org", PASSWORD);
      assertLimited(refused, 20);
      s.clock.advance(Duration.ofSeconds(21));
      assertThat(login(s, "ada@example.org", PASSWORD).status()).isEqualTo(201);
    }
  }

  @Test
  void failed_sign_ins_lock_the_account_name_known_or_not_until_the_period_passes() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_LOGIN_PER_ACCOUNT=3/15m")) {
      s.register("ada@example.org");
      s.register("bob@example.org");
      for (String account : new String[] {"ada@example.org", "nobody@example.org"}) {
        for (int i = 0; i < 3; i++) {
          assertThat(login(s, account, "a wrong password").code()).isEqualTo("invalid_credentials");
        }
        // the correct password does not help while the name is locked, and unknown names lock alike
        assertLimited(login(s, account, PASSWORD), 5 * 60);
      }
      assertThat(login(s, "ADA@example.org", PASSWORD).code())
          .as("the name is compared folded")
          .isEqualTo("rate_limited");
      assertThat(login(s, "bob@example.org", PASSWORD).status())
          .as("other accounts are not touched")
          .isEqualTo(201);
      assertThat(login(s, "bob@example.org", PASSWORD).status())
          .as("successes do not count")
          .isEqualTo(201);

      s.clock.advance(Duration.ofMinutes(5));
      assertThat(login(s, "ada@example.org", PASSWORD).status()).isEqualTo(201);
      String admin = s.adminToken("root@example.org");
      Resp events = s.get("/api/v1/audit-events?type=rate_limited", admin);
      assertThat(events.json().path("items").findValuesAsText("rule"))
          .contains("login_per_account");
    }
  }

  @Test
  void registrations_from_one_address_are_limited() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_REGISTRATION_PER_IP=2/1h")) {
      assertThat(register(s, "a@example.org").status()).isEqualTo(201);
      assertThat(register(s, "b@example.org").status()).isEqualTo(201);
      assertLimited(register(s, "c@example.org"), 30 * 60);
      s.clock.advance(Duration.ofMinutes(31));
      assertThat(register(s, "c@example.org").status()).isEqualTo(201);
      // admins creating accounts are not limited
      String admin = s.adminToken("root@example.org");
      for (int i = 0; i < 3; i++) {
        assertThat(
                s.call(
                        "POST",
                        "/api/v1/users",
                        obj("email", "made" + i + "@example.org", "password", PASSWORD),
                        admin)
                    .status())
            .isEqualTo(201);
      }
    }
  }

  @Test
  void verification_and_reset_mails_are_limited_per_address_and_per_target_email() {
    try (TestServer s =
        TestServer.start(
            "USERMAN_LIMITS_VERIFICATION_PER_EMAIL=2/1h",
            "USERMAN_LIMITS_RESET_PER_EMAIL=2/1h",
            "USERMAN_LIMITS_VERIFICATION_PER_IP=7/1h",
            "USERMAN_LIMITS_RESET_PER_IP=7/1h")) {
      s.register("ada@example.org");
      for (String path : new String[] {"/api/v1/email-verifications", "/api/v1/password-resets"}) {
        for (String email : new String[] {"ada@example.org", "nobody@example.org"}) {
          assertThat(s.post(path, obj("email", email)).status()).isEqualTo(202);
          assertThat(s.post(path, obj("email", email.toUpperCase(java.util.Locale.ROOT))).status())
              .isEqualTo(202);
          assertLimited(s.post(path, obj("email", email)), 30 * 60);
        }
        assertThat(s.post(path, obj("email", "other@example.org")).status()).isEqualTo(202);
        // seven per address in all, refused ones included: the eighth is refused whatever the email
        assertLimited(s.post(path, obj("email", "more@example.org")), 12 * 60);
      }
      // two verification mails (registration sent a first one) and two reset mails reached ada
      assertThat(s.mailsTo("ada@example.org")).hasSize(5);
      s.clock.advance(Duration.ofHours(1));
      assertThat(s.post("/api/v1/password-resets", obj("email", "ada@example.org")).status())
          .isEqualTo(202);
      assertThat(s.mailsTo("ada@example.org")).hasSize(6);
    }
  }

  @Test
  void refreshes_and_api_calls_are_limited_per_credential() {
    try (TestServer s =
        TestServer.start(
            "USERMAN_REGISTRATION=open",
            "USERMAN_LIMITS_REFRESH_PER_SESSION=2/1m",
            "USERMAN_LIMITS_API_PER_CREDENTIAL=3/1m")) {
      s.register("ada@example.org");
      String refresh = s.login("ada@example.org").path("refresh_token").asText();
      for (int i = 0; i < 2; i++) {
        Resp r = s.post("/api/v1/sessions/refresh", obj("refresh_token", refresh));
        assertThat(r.status()).isEqualTo(200);
        refresh = r.json().path("refresh_token").asText();
      }
      assertLimited(s.post("/api/v1/sessions/refresh", obj("refresh_token", refresh)), 30);

      String token = s.accessToken("ada@example.org");
      for (int i = 0; i < 3; i++) {
        assertThat(s.get("/api/v1/me", token).status()).isEqualTo(200);
      }
      assertLimited(s.get("/api/v1/me", token), 20);
      String key =
          s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), s.accessToken("ada@example.org"))
              .json()
              .path("key")
              .asText();
      assertThat(s.get("/api/v1/me", key).status())
          .as("each credential has its own allowance")
          .isEqualTo(200);

      s.clock.advance(Duration.ofSeconds(30));
      assertThat(s.get("/api/v1/me", token).status()).isEqualTo(200);
      assertThat(s.post("/api/v1/sessions/refresh", obj("refresh_token", refresh)).status())
          .isEqualTo(200);
    }
  }

  @Test
  void nodes_on_one_database_share_the_limits() {
    Assumptions.assumeFalse(
        TestDatabases.isSqlite(),
        "the embedded database serves one node; PostgreSQL and MariaDB runs cover this");
    try (TestServer a =
            TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_LOGIN_PER_IP=4/1m");
        TestServer b = a.secondNode()) {
      a.register("ada@example.org");
      assertThat(login(a, "ada@example.org", PASSWORD).status()).isEqualTo(201);
      assertThat(login(b, "ada@example.org", PASSWORD).status()).isEqualTo(201);
      assertThat(login(a, "ada@example.org", PASSWORD).status()).isEqualTo(201);
      assertThat(login(b, "ada@example.org", PASSWORD).status()).isEqualTo(201);
      assertLimited(login(a, "ada@example.org", PASSWORD), 15);
      assertLimited(login(b, "ada@example.org", PASSWORD), 15);
      a.clock.advance(Duration.ofSeconds(16));
      assertThat(login(b, "ada@example.org", PASSWORD).status()).isEqualTo(201);
      assertLimited(login(a, "ada@example.org", PASSWORD), 15);
    }
  }

  @Test
  void limits_can_be_switched_off() {
    try (TestServer s =
        TestServer.start(
            "USERMAN_REGISTRATION=open",
            "USERMAN_LIMITS_ENABLED=false",
            "USERMAN_LIMITS_REGISTRATION_PER_IP=1/1h")) {
      assertThat(register(s, "a@example.org").status()).isEqualTo(201);
      assertThat(register(s, "b@example.org").status()).isEqualTo(201);
    }
  }

  private static Resp login(TestServer s, String email, String password) {
    return s.post("/api/v1/sessions", obj("email", email, "password", password));
  }

  private static Resp register(TestServer s, String email) {
    return s.post("/api/v1/users", obj("email", email, "password", PASSWORD));
  }

  /**
   * 429 rate_limited, with a Retry-After of at least one second and at most {@code maxSeconds} (the
   * time one token takes to come back: the period divided by the count).
   */
  private static void assertLimited(Resp r, long maxSeconds) {
    assertThat(r.status()).as(r.toString()).isEqualTo(429);
    assertThat(r.code()).isEqualTo("rate_limited");
    assertThat(r.header("Retry-After")).isNotNull();
    assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, maxSeconds);
  }
}
