package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * Emails and usernames in other Unicode forms or letter cases are the same account, never a second
 * one.
 */
class LookAlikeTest {

  @Test
  void emails_that_differ_only_in_case_width_or_composition_are_taken() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_ENABLED=false")) {
      register(s, "ada@example.org", 201);
      register(s, "jos\u00e9@example.org", 201);
      register(s, "stra\u00dfe@example.org", 201);
      for (String lookAlike :
          new String[] {
            "ADA@EXAMPLE.ORG",
            "\uff41\uff44\uff41@example.org",
            "ada@\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.org",
            "jose\u0301@example.org",
            "JOS\u00c9@example.org",
            "STRASSE@example.org",
            "strasse@example.org"
          }) {
        Resp r = register(s, lookAlike, 409);
        assertThat(r.code()).as(lookAlike).isEqualTo("email_taken");
      }
      // and signing in with any of those forms finds the one account
      assertThat(
              s.post(
                      "/api/v1/sessions",
                      obj("email", "\uff21\uff24\uff21@example.org", "password", PASSWORD))
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void usernames_that_differ_only_in_case_or_width_are_taken() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_ENABLED=false")) {
      assertThat(
              s.post(
                      "/api/v1/users",
                      obj("email", "a@example.org", "password", PASSWORD, "username", "ada"))
                  .status())
          .isEqualTo(201);
      for (String lookAlike :
          new String[] {"ADA", "Ada", "\uff41\uff44\uff41", "\uff21\uff24\uff21"}) {
        Resp r =
            s.post(
                "/api/v1/users",
                obj(
                    "email",
                    lookAlike.hashCode() + "@example.org",
                    "password",
                    PASSWORD,
                    "username",
                    lookAlike));
        assertThat(r.status()).as(lookAlike).isEqualTo(409);
        assertThat(r.code()).isEqualTo("username_taken");
      }
    }
  }

  private static Resp register(TestServer s, String email, int expected) {
    Resp r = s.post("/api/v1/users", obj("email", email, "password", PASSWORD));
    assertThat(r.status()).as(email + ": " + r).isEqualTo(expected);
    return r;
  }
}
