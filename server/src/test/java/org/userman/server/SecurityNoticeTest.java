package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.TestServer;

/**
 * Security notices by mail (OWASP ASVS 2.2.3, 2.5.x): plain mails, with no token, that tell the
 * owner of a change to their credentials and what to do if it was not them.
 */
class SecurityNoticeTest {

  private static String newest(List<String> mails) {
    assertThat(mails).isNotEmpty();
    return mails.get(mails.size() - 1);
  }

  private static void assertNotice(String mail, String subject) {
    assertThat(mail).contains("Subject: " + subject);
    assertThat(mail).doesNotContain("Token:").doesNotContain("token=");
    assertThat(mail).contains("If this was not you");
  }

  @Test
  void the_old_address_hears_of_an_email_change() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      s.call(
          "POST",
          "/api/v1/me/email",
          obj("email", "ada@new.example", "current_password", PASSWORD),
          token);
      int before = s.mailsTo("ada@example.org").size();
      assertThat(
              s.post(
                      "/api/v1/email-verifications/confirm",
                      obj("token", s.lastToken("ada@new.example")))
                  .status())
          .isEqualTo(200);
      List<String> mails = s.mailsTo("ada@example.org");
      assertThat(mails).hasSize(before + 1);
      String notice = newest(mails);
      assertNotice(notice, "Your Userman email address was changed");
      assertThat(notice).contains("ada@new.example");
    }
  }

  @Test
  void the_account_hears_of_a_password_change_and_a_reset() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      s.call(
          "PUT",
          "/api/v1/me/password",
          obj("current_password", PASSWORD, "new_password", "a brand new passphrase"),
          token);
      assertNotice(newest(s.mailsTo("ada@example.org")), "Your Userman password was changed");

      s.post("/api/v1/password-resets", obj("email", "ada@example.org"));
      String reset = s.lastToken("ada@example.org");
      s.post(
          "/api/v1/password-resets/confirm",
          obj("token", reset, "password", "yet another passphrase"));
      assertNotice(newest(s.mailsTo("ada@example.org")), "Your Userman password was reset");

      String admin = s.adminToken("root@example.org");
      String id = s.userman().accounts().findByEmail("ada@example.org").orElseThrow().id();
      s.call("PATCH", "/api/v1/users/" + id, obj("password", "an admin-chosen passphrase"), admin);
      assertNotice(newest(s.mailsTo("ada@example.org")), "Your Userman password was changed");
    }
  }

  @Test
  void the_account_hears_of_a_new_api_key() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      s.call("POST", "/api/v1/me/api-keys", obj("name", "deploy bot"), token);
      String notice = newest(s.mailsTo("ada@example.org"));
      assertNotice(notice, "A new Userman API key");
      assertThat(notice).contains("deploy bot").contains("um_");
    }
  }

  @Test
  void the_account_hears_once_when_a_sign_in_limit_locks_it() {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_LOGIN_PER_ACCOUNT=3/15m")) {
      s.register("ada@example.org");
      int before = s.mailsTo("ada@example.org").size();
      for (int i = 0; i < 6; i++) {
        s.post("/api/v1/sessions", obj("email", "ada@example.org", "password", "a wrong password"));
      }
      List<String> mails = s.mailsTo("ada@example.org");
      assertThat(mails).hasSize(before + 1);
      assertNotice(newest(mails), "Your Userman account is locked for now");
      // nobody is told of a lock on a name without an account
      for (int i = 0; i < 4; i++) {
        s.post(
            "/api/v1/sessions", obj("email", "nobody@example.org", "password", "a wrong password"));
      }
      assertThat(s.mailsTo("nobody@example.org")).isEmpty();
    }
  }

  @Test
  void an_operator_replaces_the_notices_like_any_other_template() throws Exception {
    Path templates = Files.createTempDirectory("templates");
    Files.writeString(templates.resolve("api-key-created.subject"), "Key {{ keyName }} made");
    Files.writeString(
        templates.resolve("api-key-created.txt"),
        "A key called {{ keyName }}. If this was not you, call us.");
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_MAIL_TEMPLATES=" + templates)) {
      s.register("ada@example.org");
      s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), s.accessToken("ada@example.org"));
      String notice = newest(s.mailsTo("ada@example.org"));
      assertThat(notice)
          .contains("Subject: Key ci made")
          .contains("A key called ci. If this was not you, call us.");
    }
  }
}
