package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.CliRun.runWithInput;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.userman.server.support.CliRun;
import org.userman.server.support.TestServer;

/** The roles commands, run against the database a running server uses. */
class RoleCliTest {

  @Test
  void commands_create_list_and_delete_roles_and_force_takes_a_role_from_its_users()
      throws Exception {
    try (TestServer s = TestServer.start()) {
      CliRun created =
          runWithInput(s, "", "roles", "create", "support", "--description", "Helpdesk");
      assertThat(created.exit()).as(created.err()).isZero();
      assertThat(created.out()).contains("support").contains("Helpdesk");
      CliRun twice = runWithInput(s, "", "roles", "create", "support");
      assertThat(twice.exit()).isNotZero();
      assertThat(twice.err()).contains("A role of this name exists");

      CliRun ada =
          runWithInput(
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
      CliRun ghost =
          runWithInput(
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

      CliRun list = runWithInput(s, "", "roles", "list");
      assertThat(list.out()).contains("admin").contains("built in").contains("support");
      JsonNode json =
          TestServer.JSON.readTree(runWithInput(s, "", "roles", "list", "--json").out());
      assertThat(json.findValuesAsText("name")).containsExactly("admin", "support");
      assertThat(json.get(1).path("user_count").asLong()).isEqualTo(1);

      CliRun inUse = runWithInput(s, "", "roles", "delete", "support");
      assertThat(inUse.exit()).isNotZero();
      assertThat(inUse.err()).contains("1 user or service account holds the role 'support'");
      CliRun forced = runWithInput(s, "", "roles", "delete", "support", "--force");
      assertThat(forced.exit()).as(forced.err()).isZero();
      assertThat(forced.out()).contains("taken from 1 user(s)");
      assertThat(s.userman().accounts().findByEmail("ada@example.org").orElseThrow().roles())
          .isEmpty();
      CliRun builtIn = runWithInput(s, "", "roles", "delete", "admin", "--force");
      assertThat(builtIn.exit()).isNotZero();
      assertThat(builtIn.err()).contains("built in");

      for (String sub : new String[] {"list", "create", "delete"}) {
        CliRun help = runWithInput(s, "", "roles", sub, "--help");
        assertThat(help.exit()).as(sub).isZero();
        assertThat(help.out()).contains("Usage: userman roles " + sub);
      }
    }
  }
}
