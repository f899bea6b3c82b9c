package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.userman.server.support.TestDatabases;
import org.userman.server.support.TestServer;
import org.userman.store.Changes;
import org.userman.store.Database;

/**
 * A node keeps the session, key and user rows that requests read in memory, and drops them when
 * another process commits a write: the command line beside it on SQLite, another node or the
 * command line on PostgreSQL. (MariaDB has no change signal; its nodes cache nothing.)
 */
class ChangeWatchTest {
  /**
   * Far below how long an entry may live without any signal (2 s), so only the watcher, not the
   * entry's age, can end it in time.
   */
  private static final Duration WITHIN = Duration.ofMillis(700);

  @Test
  void a_write_by_another_process_ends_the_nodes_cached_rows_within_moments() throws Exception {
    Assumptions.assumeFalse(TestDatabases.kind().equals("mariadb"), "MariaDB nodes cache nothing");
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open");
        Database other = Database.open(s.config().core().database())) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      Changes changes = s.userman().database().changes();
      assertThat(changes.watching()).isTrue();

      // A write by the node ends what it cached, so the next read is loaded now and cached.
      assertThat(s.call("PATCH", "/api/v1/me", obj("name", "Ada"), token).status()).isEqualTo(200);
      assertThat(s.get("/api/v1/me", token).status()).isEqualTo(200);
      long loaded = System.nanoTime();
      long generation = changes.generation();
      assertThat(s.get("/api/v1/me", token).status()).isEqualTo(200);

      other.tx(h -> h.execute("UPDATE users SET status = 'disabled' WHERE email = 'ada@example.org'"));
      long deadline = loaded + WITHIN.toNanos();
      int status = 200;
      while (status == 200 && System.nanoTime() < deadline) {
        status = s.get("/api/v1/me", token).status();
      }
      assertThat(status).as("the other process's write is seen within %s", WITHIN).isEqualTo(401);
      assertThat(changes.generation()).isGreaterThan(generation);
      assertThat(changes.watching()).isTrue();
    }
  }
}
