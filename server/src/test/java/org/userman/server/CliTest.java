package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.CliRun.runWithInput;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.userman.server.cli.RootCommand;
import org.userman.server.support.CliRun;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import picocli.CommandLine;

/** The users commands, run against the database a running server uses. */
class CliTest {

  @Test
  void a_plain_serve_fails_as_picocli_would() {
    Map<String, String> env = Map.of("USERMAN_HTTP_PORT", "70000");
    ByteArrayOutputStream direct = new ByteArrayOutputStream();
    int exit =
        org.userman.server.startup.Startup.run(
            new String[] {"serve"},
            env,
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(direct, true, StandardCharsets.UTF_8));

    CommandLine cl = RootCommand.commandLine(env, new ByteArrayInputStream(new byte[0]));
    StringWriter throughPicocli = new StringWriter();
    cl.setErr(new PrintWriter(throughPicocli, true));
    assertThat(exit).isEqualTo(cl.execute("serve")).isEqualTo(1);
    assertThat(direct.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(throughPicocli.toString().strip())
        .isEqualTo("userman: setting http.port (USERMAN_HTTP_PORT) must be 0..65535");
  }

  @Test
  void commands_manage_users_beside_a_running_server() throws Exception {
    try (TestServer s = TestServer.start()) {
      CliRun created =
          runWithInput(
              s,
              "an admin passphrase\n",
              "users",
              "create",
              "--email",
              "root@example.org",
              "--name",
              "Root",
              "--role",
              "admin",
              "--password-stdin");
      assertThat(created.exit()).as(created.err()).isZero();
      assertThat(created.out()).startsWith("created ");

      // The server sees the new admin at once: active, verified, and allowed to list users.
      Resp login =
          s.post(
              "/api/v1/sessions",
              obj("email", "root@example.org", "password", "an admin passphrase"));
      assertThat(login.status()).isEqualTo(201);
      assertThat(login.json().path("user").path("email_verified").asBoolean()).isTrue();
      String admin = login.text("access_token");
      assertThat(s.get("/api/v1/users", admin).status()).isEqualTo(200);

      s.register("ada@example.org");
      CliRun list = runWithInput(s, "", "users", "list", "--json");
      assertThat(list.exit()).isZero();
      JsonNode users = TestServer.JSON.readTree(list.out());
      assertThat(users.findValuesAsText("email"))
          .containsExactlyInAnyOrder("root@example.org", "ada@example.org");
      assertThat(runWithInput(s, "", "users", "list", "--prefix", "AD").out())
          .contains("ada@example.org")
          .doesNotContain("root@");
      assertThat(runWithInput(s, "", "users", "list", "--role", "admin").out())
          .contains("root@example.org")
          .doesNotContain("ada@");

      CliRun show = runWithInput(s, "", "users", "show", "ada@example.org", "--json");
      assertThat(TestServer.JSON.readTree(show.out()).path("status").asText()).isEqualTo("pending");

      CliRun unknownRole =
          runWithInput(s, "", "users", "update", "ada@example.org", "--add-role", "support");
      assertThat(unknownRole.exit()).isNotZero();
      assertThat(unknownRole.err()).contains("roles: there is no role 'support'");
      assertThat(runWithInput(s, "", "roles", "create", "support").exit()).isZero();
      CliRun update =
          runWithInput(
              s,
              "",
              "users",
              "update",
              "ada@example.org",
              "--status",
              "active",
              "--name",
              "Ada",
              "--add-role",
              "support");
      assertThat(update.exit()).as(update.err()).isZero();
      assertThat(
              s.get("/api/v1/users?prefix=ada", admin)
                  .json()
                  .path("items")
                  .get(0)
                  .path("roles")
                  .toString())
          .isEqualTo("[\"support\"]");

      CliRun setPassword =
          runWithInput(
              s,
              "a fresh passphrase\n",
              "users",
              "set-password",
              "ada@example.org",
              "--password-stdin");
      assertThat(setPassword.exit()).as(setPassword.err()).isZero();
      String ada =
          s.post(
                  "/api/v1/sessions",
                  obj("email", "ada@example.org", "password", "a fresh passphrase"))
              .text("access_token");
      assertThat(s.get("/api/v1/me", ada).status()).isEqualTo(200);

      assertThat(
              runWithInput(s, "", "users", "update", "ada@example.org", "--status", "disabled")
                  .exit())
          .isZero();
      // The command line is another writer; the node sees its change at the next request.
      assertThat(s.get("/api/v1/me", ada).status()).isEqualTo(401);

      CliRun lastAdmin = runWithInput(s, "", "users", "delete", "root@example.org", "--yes");
      assertThat(lastAdmin.exit()).isNotZero();
      assertThat(lastAdmin.err()).startsWith("userman: ").contains("last active admin");
      assertThat(lastAdmin.err().strip().lines()).hasSize(1);

      CliRun delete = runWithInput(s, "", "users", "delete", "ada@example.org", "--yes");
      assertThat(delete.exit()).isZero();
      assertThat(s.get("/api/v1/users?prefix=ada", admin).json().path("items")).isEmpty();
    }
  }

  @Test
  void failures_exit_non_zero_with_one_line() {
    try (TestServer s = TestServer.start()) {
      CliRun noTerminal = runWithInput(s, "", "users", "create", "--email", "x@example.org");
      assertThat(noTerminal.exit()).isNotZero();
      assertThat(noTerminal.err()).contains("--password-stdin");

      CliRun unknown = runWithInput(s, "", "users", "show", "nobody@example.org");
      assertThat(unknown.exit()).isNotZero();
      assertThat(unknown.err().strip()).isEqualTo("userman: no user nobody@example.org");

      CliRun weak =
          runWithInput(
              s, "short\n", "users", "create", "--email", "x@example.org", "--password-stdin");
      assertThat(weak.exit()).isNotZero();
      assertThat(weak.err()).contains("password");

      CliRun noConfirm = runWithInput(s, "", "users", "delete", "x@example.org");
      assertThat(noConfirm.exit()).isNotZero();
      assertThat(noConfirm.err()).contains("--yes");

      CliRun badOption = runWithInput(s, "", "users", "list", "--status", "gone");
      assertThat(badOption.exit()).isNotZero();
    }
  }

  @Test
  void every_command_has_help() {
    try (TestServer s = TestServer.start()) {
      for (String[] args :
          new String[][] {
            {"--help"},
            {"serve", "--help"},
            {"users", "--help"},
            {"users", "create", "--help"},
            {"users", "list", "--help"},
            {"users", "show", "--help"},
            {"users", "update", "--help"},
            {"users", "delete", "--help"},
            {"users", "set-password", "--help"}
          }) {
        CliRun r = runWithInput(s, "", args);
        assertThat(r.exit()).as(String.join(" ", args)).isZero();
        assertThat(r.out()).contains("Usage: userman");
      }
    }
  }
}
