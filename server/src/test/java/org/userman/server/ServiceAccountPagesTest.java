package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.server.support.Visitor;

/**
 * The admins' service-account pages: create one with its first secret (shown once), disable it,
 * make and revoke secrets, delete it; other users get 403.
 */
class ServiceAccountPagesTest {
  private static final Pattern SECRET = Pattern.compile("<code>(umsa_[A-Za-z0-9_-]+)</code>");

  private static String secretIn(Resp page) {
    Matcher m = SECRET.matcher(page.raw());
    assertThat(m.find()).as(page.raw()).isTrue();
    return m.group(1);
  }

  private static int grant(TestServer s, String id, String secret) {
    return s.send(
            "POST",
            "/oauth2/token",
            "application/x-www-form-urlencoded",
            "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret)
        .status();
  }

  @Test
  void admins_create_disable_rotate_and_delete_service_accounts_from_the_pages() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.adminToken("root@example.org");
      Visitor admin = new Visitor(s, "");
      admin.post("/login", "login", "root@example.org", "password", TestServer.PASSWORD);
      assertThat(admin.get("/admin/service-accounts").raw()).contains("No service accounts");

      Resp made =
          admin.post(
              "/admin/service-accounts",
              "name",
              "billing",
              "description",
              "Invoices <sync>",
              "roles",
              "admin");
      assertThat(made.status()).as(made.raw()).isEqualTo(200);
      assertThat(made.header("Cache-Control")).isEqualTo("no-store");
      String secret = secretIn(made);
      String id = s.userman().serviceAccounts().list(10, null).items().get(0).id();
      assertThat(made.raw())
          .contains(id)
          .contains("shown this once")
          .contains("Invoices &lt;sync&gt;");
      assertThat(grant(s, id, secret)).isEqualTo(200);
      Resp again = admin.get("/admin/service-accounts/" + id);
      assertThat(again.raw()).doesNotContain(secret).contains(secret.substring(0, 13));

      Resp taken = admin.post("/admin/service-accounts", "name", "billing");
      assertThat(taken.status()).isEqualTo(409);
      assertThat(taken.raw()).contains("A service account of this name exists");
      assertThat(admin.post("/admin/service-accounts", "name", "ok", "roles", "ghost").status())
          .isEqualTo(400);

      Resp disabled = admin.post("/admin/service-accounts/" + id + "/status", "status", "disabled");
      assertThat(disabled.header("Location"))
          .isEqualTo("/admin/service-accounts/" + id + "?notice=service_account_disabled");
      assertThat(grant(s, id, secret)).isEqualTo(401);
      admin.post("/admin/service-accounts/" + id + "/status", "status", "active");
      assertThat(grant(s, id, secret)).isEqualTo(200);

      Resp second = admin.post("/admin/service-accounts/" + id + "/secrets", "name", "rotation");
      String rotated = secretIn(second);
      assertThat(grant(s, id, rotated)).isEqualTo(200);
      String firstId = s.userman().serviceAccounts().secrets(id).get(0).id();
      Resp revoked =
          admin.post("/admin/service-accounts/" + id + "/secrets/" + firstId + "/revoke");
      assertThat(revoked.header("Location")).endsWith("?notice=secret_revoked");
      assertThat(grant(s, id, secret)).isEqualTo(401);
      assertThat(grant(s, id, rotated)).isEqualTo(200);

      s.register("ada@example.org");
      Visitor ada = new Visitor(s, "");
      ada.post("/login", "login", "ada@example.org", "password", TestServer.PASSWORD);
      assertThat(ada.get("/admin/service-accounts").status()).isEqualTo(403);
      assertThat(ada.post("/admin/service-accounts/" + id + "/delete").status()).isEqualTo(403);
      assertThat(grant(s, id, rotated)).isEqualTo(200);

      Resp deleted = admin.post("/admin/service-accounts/" + id + "/delete");
      assertThat(deleted.header("Location"))
          .isEqualTo("/admin/service-accounts?notice=service_account_deleted");
      assertThat(grant(s, id, rotated)).isEqualTo(401);
      assertThat(admin.get("/admin/service-accounts/" + id).status()).isEqualTo(404);
    }
  }
}
