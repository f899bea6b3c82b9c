package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.userman.server.cli.RootCommand;
import org.userman.server.support.TestServer;
import picocli.CommandLine;

/** The roles commands, run against the database a running server uses. */
class RoleCliTest {
  private record Run(int exit, String out, String err) {}

  private static Run run(TestServer s, String stdin, String... args) {
    CommandLine cl =
        RootCommand.commandLine(
            s.env(), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void commands_create_list_and_delete_roles_and_force_takes_a_role_from_its_users()
      throws Exception {
    try (TestServer s = TestServer.start()) {
      Run created = run(s, "", "roles", "create", "support", "--description", "Helpdesk");
      assertThat(created.exit()).as(created.err()).isZero();
      assertThat(created.out()).contains("support").contains("Helpdesk");
      Run twice = run(s, "", "roles", "create", "support");
      assertThat(twice.exit()).isNotZero();
      assertThat(twice.err()).contains("A role of this name exists");

      Run ada =
          run(
              s,
              "a long and private passphrase\n",
              "users",
              "create",
              "--email",
              "ada@example.org",
              "--role",
              "support",
              "--password-stdin");
      assertThat(ada.exit()).as(ada.err()).isZero();
      Run ghost =
          run(
              s,
              "a long and private passphrase\n",
              "users",
              "create",
              "--email",
              "bob@example.org",
              "--role",
              "ghost",
              "--password-stdin");
      assertThat(ghost.exit()).isNotZero();
      assertThat(ghost.err()).contains("there is no role 'ghost'");

      Run list = run(s, "", "roles", "list");
      assertThat(list.out()).contains("admin").contains("built in").contains("support");
      JsonNode json = TestServer.JSON.readTree(run(s, "", "roles", "list", "--json").out());
      assertThat(json.findValuesAsText("name")).containsExactly("admin", "support");
      assertThat(json.get(1).path("user_count").asLong()).isEqualTo(1);

      Run inUse = run(s, "", "roles", "delete", "support");
      assertThat(inUse.exit()).isNotZero();
      assertThat(inUse.err()).contains("1 user holds the role 'support'");
      Run forced = run(s, "", "roles", "delete", "support", "--force");
      assertThat(forced.exit()).as(forced.err()).isZero();
      assertThat(forced.out()).contains("taken from 1 user(s)");
      assertThat(s.userman().accounts().findByEmail("ada@example.org").orElseThrow().roles())
          .isEmpty();
      Run builtIn = run(s, "", "roles", "delete", "admin", "--force");
      assertThat(builtIn.exit()).isNotZero();
      assertThat(builtIn.err()).contains("built in");

      for (String sub : new String[] {"list", "create", "delete"}) {
        Run help = run(s, "", "roles", sub, "--help");
        assertThat(help.exit()).as(sub).isZero();
        assertThat(help.out()).contains("Usage: userman roles " + sub);
      }
    }
  }
}
