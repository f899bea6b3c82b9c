package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.userman.testkit.TestDatabases;
import org.userman.server.support.TestServer;
import org.userman.store.internal.Database;
import org.userman.store.DatabaseSettings;

/**
 * A node keeps the session, key and user rows that requests read in memory, and drops them when
 * another process commits a write: the command line beside it on SQLite, another node or the
 * command line on PostgreSQL and MariaDB. (MultiNodeTest covers two nodes.)
 */
class ChangeWatchTest {

  /**
   * Ada, created active through the library (no mail to send, so the node writes nothing in the
   * background that would empty its memory by itself), signed in.
   */
  private static String quietUser(TestServer s) {
    String token = s.adminToken("ada@example.org");
    s.userman().awaitIdle(Duration.ofSeconds(10));
    return token;
  }

  /** At the next request, on every database: the other process does not even watch. */
  @Test
  void a_write_by_another_userman_process_holds_at_the_next_request() throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open");
        Database other = Database.open(s.config().core().database(), org.userman.internal.Ticker.SYSTEM)) {
      String token = quietUser(s);
      assertThat(s.get("/api/v1/me", token).status()).isEqualTo(200);
      assertThat(s.get("/api/v1/me", token).status()).isEqualTo(200);

      other.tx(h -> h.execute("UPDATE users SET status = 'disabled' WHERE email = 'ada@example.org'"));
      assertThat(s.get("/api/v1/me", token).status()).isEqualTo(401);
    }
  }

  /**
   * Plain SQL behind Userman's back does not count itself on a server database: the node serves
   * what it cached (which shows that it caches) until the entry's age runs out, 2 s at most. SQLite
   * tells the node of any other connection's commit, so there it holds at once.
   */
  @Test
  void plain_sql_behind_userman_holds_within_two_seconds() throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String token = quietUser(s);
      assertThat(s.call("PATCH", "/api/v1/me", obj("name", "Ada"), token).status()).isEqualTo(200);
      assertThat(s.get("/api/v1/me", token).status()).isEqualTo(200);
      long cached = System.nanoTime();

      DatabaseSettings db = s.config().core().database();
      try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
          Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE users SET status = 'disabled' WHERE email = 'ada@example.org'");
      }
      int next = s.get("/api/v1/me", token).status();
      if (TestDatabases.isSqlite()) {
        assertThat(next).isEqualTo(401);
        return;
      }
      if (System.nanoTime() - cached < Duration.ofMillis(1500).toNanos()) {
        assertThat(next).as("served from the node's memory").isEqualTo(200);
      }
      int status = next;
      long deadline = cached + Duration.ofSeconds(4).toNanos();
      while (status == 200 && System.nanoTime() < deadline) {
        Thread.sleep(50);
        status = s.get("/api/v1/me", token).status();
      }
      assertThat(status).isEqualTo(401);
      assertThat(Duration.ofNanos(System.nanoTime() - cached)).isLessThan(Duration.ofMillis(2600));
    }
  }
}
