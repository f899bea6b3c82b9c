package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.server.support.TotpCodes;
import org.userman.server.support.Visitor;

/** Two-step sign-in on the pages: enrolment with a QR code drawn on the server, and sign-in. */
class SecondFactorPagesTest {
  private static final Pattern SECRET =
      Pattern.compile("<code id=\"totp-secret\">([A-Z2-7]+)</code>");
  private static final Pattern CODE =
      Pattern.compile("<li><code>([0-9a-z]{5}-[0-9a-z]{5})</code></li>");
  private static final Pattern CHALLENGE =
      Pattern.compile("name=\"challenge\" value=\"([A-Za-z0-9_-]+)\"");

  private static String find(Pattern p, String html) {
    Matcher m = p.matcher(html);
    assertThat(m.find()).as(html).isTrue();
    return m.group(1);
  }

  @Test
  void a_person_sets_up_an_app_from_the_qr_page_and_then_signs_in_with_a_code() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      Visitor v = new Visitor(s, "").signIn("ada@example.org");
      assertThat(v.get("/account").raw()).contains("Set up an authenticator app");
      Resp wrongPassword = v.post("/account/totp", "totp_current_password", "not my password");
      assertThat(wrongPassword.status()).isEqualTo(400);
      Resp begun = v.post("/account/totp", "totp_current_password", TestServer.PASSWORD);
      assertThat(begun.status()).isEqualTo(303);
      assertThat(begun.header("Location")).isEqualTo("/account/totp");

      Resp setup = v.get("/account/totp");
      assertThat(setup.status()).isEqualTo(200);
      assertThat(setup.header("Cache-Control")).isEqualTo("no-store");
      // the QR code is inline SVG: no script, no image request, nothing from elsewhere
      assertThat(setup.raw())
          .contains("<svg xmlns=\"http://www.w3.org/2000/svg\"")
          .doesNotContain("<script", "<img");
      String secret = find(SECRET, setup.raw());

      Resp wrong = v.post("/account/totp/confirm", "code", "000000");
      assertThat(wrong.status()).isEqualTo(400);
      assertThat(find(SECRET, wrong.raw())).as("the same secret, shown again").isEqualTo(secret);
      Resp codesPage =
          v.post("/account/totp/confirm", "code", TotpCodes.at(secret, s.clock.instant()));
      assertThat(codesPage.status()).isEqualTo(200);
      List<String> codes = new ArrayList<>();
      Matcher m = CODE.matcher(codesPage.raw());
      while (m.find()) {
        codes.add(m.group(1));
      }
      assertThat(codes).hasSize(10).doesNotHaveDuplicates();
      assertThat(v.get("/account").raw()).contains("You have 10 unused recovery codes");
      assertThat(v.get("/account/totp").status()).as("nothing pending").isEqualTo(303);

      // signing in now takes a second form
      s.clock.advance(Duration.ofSeconds(30));
      Visitor other = new Visitor(s, "");
      other.get("/login");
      Resp first =
          other.post(
              "/login",
              "login",
              "ada@example.org",
              "password",
              TestServer.PASSWORD,
              "next",
              "/account");
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.raw()).contains("Enter the 6-digit code");
      assertThat(first.headers().allValues("Set-Cookie"))
          .noneMatch(c -> c.startsWith("um_session="));
      String challenge = find(CHALLENGE, first.raw());
      Resp bad =
          other.post(
              "/login/second-factor", "challenge", challenge, "code", "000000", "next", "/account");
      assertThat(bad.status()).isEqualTo(401);
      assertThat(bad.raw()).contains("The code is wrong");
      Resp in =
          other.post(
              "/login/second-factor",
              "challenge",
              challenge,
              "code",
              TotpCodes.at(secret, s.clock.instant()),
              "next",
              "/account");
      assertThat(in.status()).isEqualTo(303);
      assertThat(in.header("Location")).isEqualTo("/account");
      assertThat(other.get("/account").status()).isEqualTo(200);

      // a recovery code works once, from the same form
      Visitor third = new Visitor(s, "");
      third.get("/login");
      String again =
          find(
              CHALLENGE,
              third
                  .post("/login", "login", "ada@example.org", "password", TestServer.PASSWORD)
                  .raw());
      assertThat(
              third
                  .post("/login/second-factor", "challenge", again, "recovery_code", codes.get(0))
                  .status())
          .isEqualTo(303);

      // a sensitive change long after signing in asks to confirm with a code first
      s.clock.advance(Duration.ofMinutes(10));
      Resp key = other.post("/account/api-keys", "key_name", "backup");
      assertThat(key.status()).isEqualTo(403);
      assertThat(key.raw()).contains("re-authenticate");
      s.clock.advance(Duration.ofSeconds(30));
      assertThat(
              other
                  .post(
                      "/account/reauthenticate",
                      "reauth_code",
                      TotpCodes.at(secret, s.clock.instant()))
                  .header("Location"))
          .isEqualTo("/account?notice=reauthenticated");
      assertThat(other.post("/account/api-keys", "key_name", "backup").status()).isEqualTo(200);
    }
  }

  @Test
  void
      without_a_second_factor_the_password_confirms_a_sensitive_change_made_long_after_signing_in() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      Visitor v = new Visitor(s, "").signIn("ada@example.org");
      s.clock.advance(Duration.ofMinutes(10));
      Resp key = v.post("/account/api-keys", "key_name", "backup");
      assertThat(key.status()).isEqualTo(403);
      assertThat(key.raw()).contains("re-authenticate with your password");
      Resp wrong = v.post("/account/reauthenticate", "reauth_password", "not the password");
      assertThat(wrong.status()).isEqualTo(400);
      assertThat(
              v.post("/account/reauthenticate", "reauth_password", TestServer.PASSWORD)
                  .header("Location"))
          .isEqualTo("/account?notice=reauthenticated");
      assertThat(v.post("/account/api-keys", "key_name", "backup").status()).isEqualTo(200);
    }
  }
}
