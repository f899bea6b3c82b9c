package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.userman.server.support.TestServer;
import org.userman.testkit.TestDatabases;

/**
 * The embedded fallback, which runs when a machine has no PostgreSQL or MariaDB, works in every run
 * and not only on such machines: it starts the embedded server of this run's kind and runs a node
 * on it.
 */
class EmbeddedServersTest {
  @Test
  void a_node_runs_on_the_embedded_server_of_this_runs_database() {
    Assumptions.assumeFalse(
        TestDatabases.isSqlite(), "the embedded servers stand in for PostgreSQL and MariaDB");
    TestDatabases.Server embedded = TestDatabases.embedded();
    System.out.println("userman tests: checked the fallback on " + embedded.origin());
    try (TestServer s = TestServer.on(embedded, "USERMAN_REGISTRATION=open")) {
      assertThat(s.config().core().database().url())
          .startsWith(embedded.adminUrl().replaceAll("/[^/]*$", "/"));
      assertThat(s.get("/health/ready", null).status()).isEqualTo(200);
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      s.restart();
      assertThat(s.get("/api/v1/me", token).json().path("email").asText())
          .isEqualTo("ada@example.org");
      assertThat(
              s.post(
                      "/api/v1/users",
                      obj("email", "ADA@example.org", "password", TestServer.PASSWORD))
                  .code())
          .isEqualTo("email_taken");
    }
  }
}
