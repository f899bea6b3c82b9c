package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.CliRun.run;

import org.junit.jupiter.api.Test;
import org.userman.server.support.CliRun;
import org.userman.server.support.TestServer;

/** The webhooks commands, run against the database a running server uses. */
class WebhookCliTest {

  @Test
  void commands_register_list_change_rotate_and_delete_endpoints() {
    try (TestServer s = TestServer.start()) {
      CliRun created =
          run(
              s,
              "webhooks",
              "create",
              "--url",
              "https://hooks.example.org/userman",
              "--event",
              "user.created",
              "--event",
              "user.deleted");
      assertThat(created.exit()).as(created.err()).isZero();
      assertThat(created.out()).contains("secret: whsec_").contains("user.created,user.deleted");
      String id = created.out().substring(0, 36);

      CliRun list = run(s, "webhooks", "list", "--json");
      assertThat(list.out()).contains(id).contains("https://hooks.example.org/userman");
      assertThat(list.out()).doesNotContain("whsec_");
      assertThat(s.get("/api/v1/webhooks/" + id, s.adminToken("root@example.org")).status())
          .isEqualTo(200);

      CliRun disabled = run(s, "webhooks", "update", id, "--disable", "--all-events");
      assertThat(disabled.out()).contains("disabled").contains("all events");
      CliRun rotated = run(s, "webhooks", "rotate-secret", id, "--overlap", "0");
      assertThat(rotated.out()).startsWith("secret: whsec_");
      assertThat(run(s, "webhooks", "deliveries", id).exit()).isZero();
      assertThat(run(s, "webhooks", "delete", id).exit()).isZero();
      assertThat(run(s, "webhooks", "list").out()).doesNotContain(id);

      CliRun refused = run(s, "webhooks", "create", "--url", "http://127.0.0.1:8080/");
      assertThat(refused.exit()).isNotZero();
      assertThat(refused.err()).contains("url");
      CliRun unknown = run(s, "webhooks", "delete", id);
      assertThat(unknown.exit()).isNotZero();
      for (String sub :
          new String[] {
            "create", "list", "update", "delete", "rotate-secret", "deliveries", "redeliver"
          }) {
        CliRun help = run(s, "webhooks", sub, "--help");
        assertThat(help.exit()).as(sub).isZero();
        assertThat(help.out()).contains("Usage: userman webhooks " + sub);
      }
    }
  }
}
