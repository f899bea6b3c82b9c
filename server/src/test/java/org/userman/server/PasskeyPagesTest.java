package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.SoftwareAuthenticator;
import org.userman.server.support.TestServer;
import org.userman.server.support.TotpCodes;
import org.userman.server.support.Visitor;

/**
 * Passkeys on the pages, as the pages' script drives them (the browser itself is BrowserTest's):
 * the options come as JSON for the form's CSRF token, and the browser's answer goes back in the
 * form.
 */
class PasskeyPagesTest {
  private static final String ADA = "ada@example.org";
  private static final String ORIGIN = "http://userman.test";
  private static final Pattern CHALLENGE =
      Pattern.compile("name=\"challenge\" value=\"([A-Za-z0-9_-]+)\"");
  private static final Pattern REMOVE = Pattern.compile("/account/passkeys/([^/\"]+)/delete");

  private static JsonNode options(Visitor v, String path) {
    Resp r = v.post(path);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    try {
      return TestServer.JSON.readTree(r.raw()).path("public_key");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String find(Pattern p, String html) {
    Matcher m = p.matcher(html);
    assertThat(m.find()).as(html).isTrue();
    return m.group(1);
  }

  @Test
  void a_person_adds_a_passkey_on_the_account_page_signs_in_with_it_and_removes_it() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      Visitor v = new Visitor(s, "").signIn(ADA);
      String account = v.get("/account").raw();
      assertThat(account)
          .contains("You have no passkeys.")
          .contains("<script src=\"/assets/passkeys.js\" defer></script>");
      Resp script = v.get("/assets/passkeys.js");
      assertThat(script.status()).isEqualTo(200);
      assertThat(script.header("Content-Type")).startsWith("text/javascript");
      assertThat(script.header("Content-Security-Policy")).contains("script-src 'self'");

      // without the script's answer, or without a name, nothing is made
      assertThat(v.post("/account/passkeys", "passkey_name", "laptop").raw())
          .contains("This browser made no passkey");
      SoftwareAuthenticator key = new SoftwareAuthenticator();
      JsonNode o = options(v, "/account/passkeys/options");
      Resp added =
          v.post(
              "/account/passkeys",
              "passkey_name",
              "Ada's laptop",
              "credential",
              key.create(o, ORIGIN).toString());
      assertThat(added.status()).as(added.toString()).isEqualTo(303);
      assertThat(added.header("Location")).isEqualTo("/account?notice=passkey_added");
      String listed = v.get("/account?notice=passkey_added").raw();
      assertThat(listed).contains("The passkey is added").contains("Ada&#39;s laptop");

      Visitor stranger = new Visitor(s, "");
      Resp in =
          stranger.post(
              "/login/passkey",
              "next",
              "/account",
              "credential",
              key.get(options(stranger, "/login/passkey/options"), ORIGIN).toString());
      assertThat(in.status()).as(in.toString()).isEqualTo(303);
      assertThat(in.header("Location")).isEqualTo("/account");
      assertThat(stranger.session).isNotNull();
      assertThat(stranger.get("/account").raw()).contains(ADA);
      Resp refused =
          new Visitor(s, "")
              .post(
                  "/login/passkey",
                  "credential",
                  key.get(options(stranger, "/login/passkey/options"), "https://evil.example")
                      .toString());
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.raw()).contains("That passkey did not sign you in");

      String id = find(REMOVE, v.get("/account").raw());
      Resp removed = v.post("/account/passkeys/" + id + "/delete");
      assertThat(removed.header("Location")).isEqualTo("/account?notice=passkey_removed");
      assertThat(v.get("/account").raw()).contains("You have no passkeys.");
    }
  }

  @Test
  void the_second_form_of_a_two_step_sign_in_takes_a_passkey() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      String token = s.accessToken(ADA);
      SoftwareAuthenticator key = new SoftwareAuthenticator();
      Resp o = s.call("POST", "/api/v1/me/passkeys/options", null, token);
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/me/passkeys",
                      obj(
                          "name",
                          "laptop",
                          "credential",
                          key.create(o.json().path("public_key"), ORIGIN)),
                      token)
                  .status())
          .isEqualTo(201);
      String secret =
          s.call("POST", "/api/v1/me/totp", obj("current_password", PASSWORD), token)
              .text("secret");
      s.call(
          "POST",
          "/api/v1/me/totp/confirm",
          obj("code", TotpCodes.at(secret, s.clock.instant())),
          token);

      Visitor v = new Visitor(s, "");
      Resp second = v.post("/login", "login", ADA, "password", PASSWORD);
      assertThat(second.raw()).contains("Use a passkey instead").contains("/assets/passkeys.js");
      String challenge = find(CHALLENGE, second.raw());
      Resp done =
          v.post(
              "/login/second-factor",
              "challenge",
              challenge,
              "next",
              "/account",
              "credential",
              key.get(options(v, "/login/passkey/options"), ORIGIN).toString());
      assertThat(done.status()).as(done.toString()).isEqualTo(303);
      assertThat(v.session).isNotNull();
    }
  }
}
