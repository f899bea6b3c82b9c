package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.server.support.Visitor;

/** The admins' webhook pages: the endpoints, the notice of a disabled one, enabling it again. */
class WebhookPagesTest {

  @Test
  void admins_see_endpoints_and_a_notice_for_one_userman_disabled_and_enable_it_again() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String token = s.adminToken("root@example.org");
      String id =
          s.call(
                  "POST",
                  "/api/v1/webhooks",
                  obj("url", "https://hooks.example.org/in", "description", "CRM <sync>"),
                  token)
              .text("id");
      s.execute(
          "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ? WHERE id = ?",
          "failed for 3 days: answered 500",
          id);

      Visitor admin = new Visitor(s, "");
      admin.post("/login", "login", "root@example.org", "password", TestServer.PASSWORD);
      Resp list = admin.get("/admin/webhooks");
      assertThat(list.status()).isEqualTo(200);
      assertThat(list.raw())
          .contains("https://hooks.example.org/in")
          .contains("role=\"alert\"")
          .contains("failed for 3 days: answered 500")
          .contains("CRM &lt;sync&gt;");
      assertThat(admin.get("/admin/webhooks/" + id).raw()).contains("Nothing delivered yet");

      Resp enabled = admin.post("/admin/webhooks/" + id + "/enabled", "enabled", "true");
      assertThat(enabled.header("Location"))
          .isEqualTo("/admin/webhooks/" + id + "?notice=webhook_enabled");
      assertThat(s.userman().webhooks().get(id).enabled()).isTrue();
      assertThat(s.userman().webhooks().get(id).disabledReason()).isNull();
      assertThat(admin.get("/admin/webhooks").raw()).doesNotContain("role=\"alert\"");

      s.register("ada@example.org");
      Visitor ada = new Visitor(s, "");
      ada.post("/login", "login", "ada@example.org", "password", TestServer.PASSWORD);
      assertThat(ada.get("/admin/webhooks").status()).isEqualTo(403);
      assertThat(ada.post("/admin/webhooks/" + id + "/enabled", "enabled", "false").status())
          .isEqualTo(403);
      assertThat(s.userman().webhooks().get(id).enabled()).isTrue();
    }
  }
}
