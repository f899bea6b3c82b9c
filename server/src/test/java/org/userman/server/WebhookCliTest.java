package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.userman.server.cli.RootCommand;
import org.userman.server.support.TestServer;
import picocli.CommandLine;

/** The webhooks commands, run against the database a running server uses. */
class WebhookCliTest {
  private record Run(int exit, String out, String err) {}

  private static Run run(TestServer s, String... args) {
    CommandLine cl = RootCommand.commandLine(s.env(), new ByteArrayInputStream(new byte[0]));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void commands_register_list_change_rotate_and_delete_endpoints() {
    try (TestServer s = TestServer.start()) {
      Run created =
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

      Run list = run(s, "webhooks", "list", "--json");
      assertThat(list.out()).contains(id).contains("https://hooks.example.org/userman");
      assertThat(list.out()).doesNotContain("whsec_");
      assertThat(s.get("/api/v1/webhooks/" + id, s.adminToken("root@example.org")).status())
          .isEqualTo(200);

      Run disabled = run(s, "webhooks", "update", id, "--disable", "--all-events");
      assertThat(disabled.out()).contains("disabled").contains("all events");
      Run rotated = run(s, "webhooks", "rotate-secret", id, "--overlap", "0");
      assertThat(rotated.out()).startsWith("secret: whsec_");
      assertThat(run(s, "webhooks", "deliveries", id).exit()).isZero();
      assertThat(run(s, "webhooks", "delete", id).exit()).isZero();
      assertThat(run(s, "webhooks", "list").out()).doesNotContain(id);

      Run refused = run(s, "webhooks", "create", "--url", "http://127.0.0.1:8080/");
      assertThat(refused.exit()).isNotZero();
      assertThat(refused.err()).contains("url");
      Run unknown = run(s, "webhooks", "delete", id);
      assertThat(unknown.exit()).isNotZero();
      for (String sub :
          new String[] {
            "create", "list", "update", "delete", "rotate-secret", "deliveries", "redeliver"
          }) {
        Run help = run(s, "webhooks", sub, "--help");
        assertThat(help.exit()).as(sub).isZero();
        assertThat(help.out()).contains("Usage: userman webhooks " + sub);
      }
    }
  }
}
