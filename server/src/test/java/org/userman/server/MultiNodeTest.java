package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.testkit.TestDatabases;
import org.userman.server.support.TestServer;
import org.userman.store.DatabaseSettings;

/** Two nodes on one database behave as one service: a revocation on A holds on B at once. */
class MultiNodeTest {

  @BeforeEach
  void serverDatabasesOnly() {
    Assumptions.assumeFalse(TestDatabases.isSqlite(), "the embedded database serves one node; PostgreSQL and MariaDB runs cover this");
  }

  @Test
  void logout_on_one_node_is_refused_on_the_other_at_the_next_request() {
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open"); TestServer b = a.secondNode()) {
      a.register("ada@example.org");
      String token = a.accessToken("ada@example.org");
      assertThat(b.get("/api/v1/me", token).status()).isEqualTo(200);
      assertThat(a.call("DELETE", "/api/v1/sessions/current", null, token).status()).isEqualTo(204);
      assertThat(b.get("/api/v1/me", token).status()).isEqualTo(401);
      assertThat(b.get("/.well-known/jwks.json", null).raw()).isEqualTo(a.get("/.well-known/jwks.json", null).raw());
    }
  }

  @Test
  void password_change_on_one_node_ends_the_other_sessions_on_the_other() {
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open"); TestServer b = a.secondNode()) {
      a.register("ada@example.org");
      String here = a.accessToken("ada@example.org");
      String elsewhere = b.accessToken("ada@example.org");
      assertThat(b.get("/api/v1/me", elsewhere).status()).isEqualTo(200);
      Resp changed = a.call("PUT", "/api/v1/me/password", obj("current_password", PASSWORD, "new_password", "a brand new passphrase"), here);
      assertThat(changed.status()).isEqualTo(204);
      assertThat(b.get("/api/v1/me", elsewhere).status()).isEqualTo(401);
      assertThat(b.get("/api/v1/me", here).status()).isEqualTo(200);
    }
  }

  @Test
  void disabling_a_user_and_revoking_a_key_on_one_node_hold_on_the_other() {
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open"); TestServer b = a.secondNode()) {
      String admin = a.adminToken("root@example.org");
      String ada = a.register("ada@example.org").path("id").asText();
      String eve = a.register("eve@example.org").path("id").asText();
      String adaToken = a.accessToken("ada@example.org");
      String adaKey = a.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), adaToken).text("key");
      String eveToken = b.accessToken("eve@example.org");
      JsonNode eveKey = b.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), eveToken).json();
      assertThat(b.get("/api/v1/me", adaKey).status()).isEqualTo(200);
      assertThat(a.get("/api/v1/me", eveKey.path("key").asText()).status()).isEqualTo(200);

      assertThat(a.call("PATCH", "/api/v1/users/" + ada, obj("status", "disabled"), admin).status()).isEqualTo(200);
      assertThat(b.get("/api/v1/me", adaToken).status()).isEqualTo(401);
      assertThat(b.get("/api/v1/me", adaKey).status()).isEqualTo(401);

      assertThat(b.call("DELETE", "/api/v1/me/api-keys/" + eveKey.path("id").asText(), null, eveToken).status()).isEqualTo(204);
      assertThat(a.get("/api/v1/me", eveKey.path("key").asText()).status()).isEqualTo(401);
      assertThat(a.get("/api/v1/users/" + eve, admin).status()).isEqualTo(200);
    }
  }

  @Test
  void a_refresh_token_spent_on_one_node_is_refused_on_the_other_and_ends_the_session() {
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open"); TestServer b = a.secondNode()) {
      a.register("ada@example.org");
      JsonNode login = a.login("ada@example.org");
      String refresh = login.path("refresh_token").asText();
      Resp first = a.post("/api/v1/sessions/refresh", obj("refresh_token", refresh));
      assertThat(first.status()).isEqualTo(200);
      Resp reuse = b.post("/api/v1/sessions/refresh", obj("refresh_token", refresh));
      assertThat(reuse.status()).isEqualTo(401);
      assertThat(reuse.code()).isEqualTo("invalid_token");
      assertThat(a.get("/api/v1/me", first.text("access_token")).status()).isEqualTo(401);
      assertThat(b.post("/api/v1/sessions/refresh", obj("refresh_token", first.text("refresh_token"))).status()).isEqualTo(401);
    }
  }

  /**
   * The same, many times over: each node keeps the session in memory (the first read on B), and
   * must still refuse it at the very next request after the sign-out on A answered, every time.
   * Another user's reads keep B busy meanwhile, so that B holds a lease and answers from memory
   * without a round trip: only A's wait for B's lease makes the sign-out hold there.
   */
  @Test
  void every_sign_out_holds_on_the_other_node_at_its_next_request() throws Exception {
    // Forty sign-ins from one address: past the sign-in limit, which is not what this tests.
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_ENABLED=false"); TestServer b = a.secondNode()) {
      a.register("ada@example.org");
      a.register("bob@example.org");
      String bob = a.accessToken("bob@example.org");
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger refused = new AtomicInteger();
      Thread load = Thread.ofPlatform().start(() -> {
        while (!stop.get()) {
          if (b.get("/api/v1/me", bob).status() != 200) {
            refused.incrementAndGet();
          }
        }
      });
      try {
        // A quarter of a second of steady reads makes a node busy.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!b.database().changes().leased() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        for (int i = 0; i < 40; i++) {
          String token = a.accessToken("ada@example.org");
          assertThat(b.get("/api/v1/me", token).status()).isEqualTo(200);
          assertThat(b.get("/api/v1/me", token).status()).isEqualTo(200);
          assertThat(b.database().changes().leased()).as("B holds a lease, round %d", i).isTrue();
          assertThat(a.call("DELETE", "/api/v1/sessions/current", null, token).status()).isEqualTo(204);
          assertThat(b.get("/api/v1/me", token).status()).as("round %d", i).isEqualTo(401);
        }
      } finally {
        stop.set(true);
        load.join();
      }
      assertThat(refused.get()).isZero();
    }
  }

  /**
   * On PostgreSQL a busy node does not read the change count every millisecond: a writer that
   * finds it behind notifies it, and it then reads the count and reports it in its lease row, which
   * is what the writer waits for. A count that nobody announces (plain SQL) it reports at its next
   * renewal.
   */
  @Test
  void on_postgresql_a_writer_wakes_a_busy_node_that_lags() throws Exception {
    Assumptions.assumeTrue(TestDatabases.kind().equals("postgresql"), "LISTEN/NOTIFY is PostgreSQL's");
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_ENABLED=false"); TestServer b = a.secondNode()) {
      a.register("ada@example.org");
      a.register("bob@example.org");
      String bob = a.accessToken("bob@example.org");
      AtomicBoolean stop = new AtomicBoolean();
      Thread load = Thread.ofPlatform().start(() -> {
        while (!stop.get()) {
          b.get("/api/v1/me", bob);
        }
      });
      DatabaseSettings db = a.config().core().database();
      try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password()); Statement st = c.createStatement()) {
        long busy = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!b.database().changes().leased() && System.nanoTime() < busy) {
          Thread.sleep(10);
        }
        assertThat(b.database().changes().leased()).isTrue();
        long heard = b.database().changes().notificationsHeard();
        for (int i = 0; i < 5; i++) {
          String token = a.accessToken("ada@example.org");
          assertThat(a.call("DELETE", "/api/v1/sessions/current", null, token).status()).isEqualTo(204);
          assertThat(b.get("/api/v1/me", token).status()).as("round %d", i).isEqualTo(401);
        }
        // Ten writes on A (five sign-ins, five sign-outs). A write finds B behind unless B's
        // renewal, every 25 ms, reported the count in the fraction of a millisecond between the
        // commit and the check: nearly every one notifies.
        assertThat(heardAtLeast(b, heard + 5)).as("heard %d", b.database().changes().notificationsHeard() - heard).isTrue();
        st.executeUpdate("UPDATE change_count SET n = n + 1 WHERE id = 1");
        long count = longOf(st, "SELECT n FROM change_count WHERE id = 1");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (longOf(st, "SELECT MAX(seen) FROM node_lease") < count && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        assertThat(longOf(st, "SELECT MAX(seen) FROM node_lease")).as("the count B reports").isGreaterThanOrEqualTo(count);
      } finally {
        stop.set(true);
        load.join();
      }
    }
  }

  /** Whether {@code node} has heard {@code count} notifications within 5 s. */
  private static boolean heardAtLeast(TestServer node, long count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (node.database().changes().notificationsHeard() < count && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    return node.database().changes().notificationsHeard() >= count;
  }

  private static long longOf(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * A node that stopped renewing its lease without releasing it (it crashed, say) holds up a
   * write until the lease can no longer be trusted, not longer: here a lease row that reports
   * nothing taken in.
   */
  @Test
  void a_silent_lease_holds_up_a_write_only_until_it_lapses() throws Exception {
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open")) {
      a.register("ada@example.org");
      String token = a.accessToken("ada@example.org");
      for (int i = 0; i < 5; i++) {  // warm, so that the write below takes a few milliseconds of its own
        assertThat(a.call("PATCH", "/api/v1/me", obj("name", "Ada " + i), token).status()).isEqualTo(200);
      }
      DatabaseSettings db = a.config().core().database();
      String now = TestDatabases.kind().equals("postgresql") ? "now()" : "UTC_TIMESTAMP(6)";
      try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
          Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO node_lease (id, seen, lease_until) VALUES ('crashed', 0, " + now + ")");
        long began = System.nanoTime();
        assertThat(a.call("PATCH", "/api/v1/me", obj("name", "Ada"), token).status()).isEqualTo(200);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofSeconds(5));
        st.executeUpdate("DELETE FROM node_lease WHERE id = 'crashed'");
      }
    }
  }

  /** With database.listen_for_changes off the nodes cache nothing, and a revocation holds all the same. */
  @Test
  void without_the_change_watch_a_sign_out_holds_on_the_other_node_too() {
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_DATABASE_LISTEN_FOR_CHANGES=false");
        TestServer b = a.secondNode()) {
      assertThat(b.database().changes().generation()).isEqualTo(org.userman.store.internal.changes.Changes.UNWATCHED);
      a.register("ada@example.org");
      String token = a.accessToken("ada@example.org");
      assertThat(b.get("/api/v1/me", token).status()).isEqualTo(200);
      assertThat(a.call("DELETE", "/api/v1/sessions/current", null, token).status()).isEqualTo(204);
      assertThat(b.get("/api/v1/me", token).status()).isEqualTo(401);
    }
  }
}
