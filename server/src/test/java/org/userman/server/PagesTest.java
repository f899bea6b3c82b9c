package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.server.support.Visitor;

/**
 * The pages over plain HTTP, on every database: the cookie session is a real server-side session,
 * forms need their CSRF token and this site's origin, redirects stay on this site, and the same
 * limits apply as on the API.
 */
class PagesTest {
  @Test
  void a_page_sign_in_is_a_server_side_session_that_the_api_lists_and_signs_out() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String apiToken = s.accessToken("ada@example.org");
      Visitor v = new Visitor(s, "");
      Resp in = v.post("/login", "login", "ada@example.org", "password", TestServer.PASSWORD);
      assertThat(in.status()).isEqualTo(303);
      assertThat(in.header("Location")).isEqualTo("/account");
      String cookie =
          in.headers().allValues("Set-Cookie").stream()
              .filter(c -> c.startsWith("um_session="))
              .findFirst()
              .orElseThrow();
      assertThat(cookie)
          .contains("; Path=/", "; HttpOnly", "; SameSite=Lax", "; Max-Age=")
          .doesNotContain("Secure");
      Resp account = v.get("/account");
      assertThat(account.status()).isEqualTo(200);
      assertThat(account.header("Content-Type")).startsWith("text/html");
      assertThat(account.header("Content-Security-Policy"))
          .contains("default-src 'none'", "form-action 'self'");
      assertThat(account.raw()).contains("ada@example.org").doesNotContain(v.session);
      assertThat(s.get("/api/v1/sessions", apiToken).json().path("items")).hasSize(2);
      // the page session's last use is kept up to date, every few minutes
      s.clock.advance(java.time.Duration.ofMinutes(6));
      assertThat(v.get("/account").status()).isEqualTo(200);
      assertThat(s.get("/api/v1/sessions", apiToken).json().path("items"))
          .anySatisfy(
              i -> assertThat(i.path("last_used_at").asText()).startsWith("2026-11-22T10:06"));

      assertThat(s.call("DELETE", "/api/v1/sessions", null, apiToken).status()).isEqualTo(204);
      Resp after = v.get("/account");
      assertThat(after.status()).isEqualTo(303);
      assertThat(after.header("Location")).isEqualTo("/login?next=%2Faccount");
    }
  }

  @Test
  void over_https_the_cookies_are_secure_and_host_bound() {
    try (TestServer s =
        TestServer.start(
            "USERMAN_REGISTRATION=open", "USERMAN_PUBLIC_URL=https://accounts.example.org")) {
      s.register("ada@example.org");
      Visitor v = new Visitor(s, "__Host-");
      Resp page = v.get("/login");
      assertThat(page.header("Strict-Transport-Security")).contains("max-age=");
      assertThat(page.header("Set-Cookie"))
          .startsWith("__Host-um_csrf=")
          .contains("; Secure", "; Path=/", "; HttpOnly");
      Resp in = v.post("/login", "login", "ada@example.org", "password", TestServer.PASSWORD);
      assertThat(in.header("Set-Cookie"))
          .startsWith("__Host-um_session=")
          .contains("; Secure", "; HttpOnly", "; SameSite=Lax");
      assertThat(v.get("/account").status()).isEqualTo(200);
    }
  }

  @Test
  void forms_without_the_csrf_token_or_from_another_site_are_refused() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      Visitor v = new Visitor(s, "");
      v.get("/login");
      String login = Visitor.form("login", "ada@example.org", "password", TestServer.PASSWORD);
      assertThat(v.postRaw("/login", login).status()).as("no token").isEqualTo(403);
      assertThat(v.postRaw("/login", "csrf=" + "x".repeat(43) + "&" + login).status())
          .as("another token")
          .isEqualTo(403);
      Resp crossSite =
          v.postRaw("/login", "csrf=" + v.csrf + "&" + login, "Origin", "https://evil.example");
      assertThat(crossSite.status()).as("another site").isEqualTo(403);
      assertThat(crossSite.raw()).contains("This form has expired");
      assertThat(v.session).isNull();
      assertThat(v.postRaw("/login", "csrf=" + v.csrf + "&" + login).status())
          .as("the token, no Origin")
          .isEqualTo(303);
      assertThat(v.session).isNotNull();
    }
  }

  @Test
  void an_oversized_or_mistyped_form_is_refused_with_a_page() {
    try (TestServer s = TestServer.start()) {
      Visitor v = new Visitor(s, "");
      v.get("/login");
      Resp big = v.postRaw("/login", "csrf=" + v.csrf + "&login=" + "a".repeat(70_000));
      assertThat(big.status()).isEqualTo(413);
      assertThat(big.header("Content-Type")).startsWith("text/html");
      Resp json = s.send("POST", "/login", "application/json", "{}", "Cookie", "um_csrf=" + v.csrf);
      assertThat(json.status()).isEqualTo(415);
      assertThat(json.raw()).contains("application/x-www-form-urlencoded");
    }
  }

  @Test
  void after_signing_in_the_next_page_stays_on_this_site() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      for (List<String> c :
          List.of(
              List.of("//evil.example/x", "/account"), List.of("https://evil.example", "/account"),
              List.of("/\\evil.example", "/account"),
                  List.of("/account?tab=keys", "/account?tab=keys"))) {
        Visitor v = new Visitor(s, "");
        Resp in =
            v.post(
                "/login",
                "login",
                "ada@example.org",
                "password",
                TestServer.PASSWORD,
                "next",
                c.get(0));
        assertThat(in.header("Location")).as(c.get(0)).isEqualTo(c.get(1));
      }
    }
  }

  @Test
  void the_sign_in_limit_and_the_password_policy_apply_to_the_pages() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_LOGIN_PER_ACCOUNT=2/15m")) {
      s.register("ada@example.org");
      Visitor v = new Visitor(s, "");
      for (int i = 0; i < 2; i++) {
        Resp wrong = v.post("/login", "login", "ada@example.org", "password", "not the password");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.raw())
            .contains("The login or the password is wrong.", "value=\"ada@example.org\"");
      }
      Resp limited = v.post("/login", "login", "ada@example.org", "password", TestServer.PASSWORD);
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.header("Retry-After")).matches("\\d+");

      Resp weak = v.post("/register", "email", "bob@example.org", "password", "password123");
      assertThat(weak.status()).isEqualTo(400);
      assertThat(weak.raw())
          .contains("id=\"password-error\"", "aria-invalid=\"true\"")
          .doesNotContain("password123");
      Resp taken =
          v.post("/register", "email", "ada@example.org", "password", "a long enough passphrase");
      assertThat(taken.status()).isEqualTo(409);
      assertThat(taken.raw()).contains("id=\"email-error\"");
    }
  }

  @Test
  void an_admin_edits_roles_disables_and_deletes_users_from_the_pages() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.adminToken("root@example.org");
      String rootId = s.userman().accounts().findByEmail("root@example.org").orElseThrow().id();
      String bobId = s.register("bob@example.org").path("id").asText();
      Visitor admin = new Visitor(s, "");
      admin.post("/login", "login", "root@example.org", "password", TestServer.PASSWORD);
      Resp list = admin.get("/admin/users?q=BO");
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.raw())
          .contains("bob@example.org")
          .doesNotContain("root@example.org</strong>");

      s.roles("support", "billing");
      Resp roles = admin.post("/admin/users/" + bobId + "/roles", "roles", "support, billing");
      assertThat(roles.header("Location"))
          .isEqualTo("/admin/users/" + bobId + "?notice=roles_saved");
      assertThat(s.userman().accounts().get(bobId).roles()).containsExactly("billing", "support");
      Resp badRole = admin.post("/admin/users/" + bobId + "/roles", "roles", "no/slashes");
      assertThat(badRole.status()).isEqualTo(400);
      assertThat(badRole.raw()).contains("id=\"roles-error\"", "value=\"no/slashes\"");
      Resp unknownRole = admin.post("/admin/users/" + bobId + "/roles", "roles", "support, ghost");
      assertThat(unknownRole.status()).isEqualTo(400);
      assertThat(unknownRole.raw()).contains("id=\"roles-error\"", "ghost");
      assertThat(s.userman().accounts().get(bobId).roles()).containsExactly("billing", "support");

      Resp unlocked = admin.post("/admin/users/" + bobId + "/unlock");
      assertThat(unlocked.header("Location"))
          .isEqualTo("/admin/users/" + bobId + "?notice=unlocked");
      assertThat(
              s.get(
                      "/api/v1/audit-events?type=unlocked&user_id=" + bobId,
                      s.accessToken("root@example.org"))
                  .json()
                  .path("items"))
          .hasSize(1);

      assertThat(admin.post("/admin/users/" + bobId + "/status", "status", "disabled").status())
          .isEqualTo(303);
      assertThat(s.userman().accounts().get(bobId).status().wire()).isEqualTo("disabled");
      Resp lastAdmin = admin.post("/admin/users/" + rootId + "/status", "status", "disabled");
      assertThat(lastAdmin.status()).isEqualTo(409);
      assertThat(lastAdmin.raw()).contains("role=\"alert\"");

      Resp unconfirmed = admin.post("/admin/users/" + bobId + "/delete");
      assertThat(unconfirmed.status()).isEqualTo(400);
      assertThat(unconfirmed.raw()).contains("id=\"confirm-error\"");
      assertThat(s.userman().accounts().find(bobId)).isPresent();
      Resp deleted = admin.post("/admin/users/" + bobId + "/delete", "confirm", "yes");
      assertThat(deleted.header("Location")).isEqualTo("/admin/users?notice=deleted");
      assertThat(s.userman().accounts().find(bobId)).isEmpty();
      assertThat(admin.get("/admin/users/" + bobId).status()).isEqualTo(404);
    }
  }

  @Test
  void people_without_the_admin_role_cannot_open_the_admin_pages() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String bobId = s.register("bob@example.org").path("id").asText();
      Visitor v = new Visitor(s, "");
      v.post("/login", "login", "ada@example.org", "password", TestServer.PASSWORD);
      assertThat(v.get("/admin/users").status()).isEqualTo(403);
      assertThat(v.post("/admin/users/" + bobId + "/status", "status", "disabled").status())
          .isEqualTo(403);
      assertThat(v.post("/admin/users/" + bobId + "/delete", "confirm", "yes").status())
          .isEqualTo(403);
      assertThat(s.userman().accounts().get(bobId).status().wire()).isEqualTo("active");
      Visitor stranger = new Visitor(s, "");
      Resp r = stranger.get("/admin/users");
      assertThat(r.status()).isEqualTo(303);
      assertThat(r.header("Location")).startsWith("/login?next=");
    }
  }
}
