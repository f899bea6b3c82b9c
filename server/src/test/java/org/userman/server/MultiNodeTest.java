package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.testkit.TestDatabases;

/** Two nodes on one database behave as one service: a revocation on A holds on B at once. */
class MultiNodeTest {

  @BeforeEach
  void serverDatabasesOnly() {
    Assumptions.assumeFalse(
        TestDatabases.isSqlite(),
        "the embedded database serves one node; PostgreSQL and MariaDB runs cover this");
  }

  @Test
  void logout_on_one_node_is_refused_on_the_other_at_the_next_request() {
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open");
        TestServer b = a.secondNode()) {
      a.register("ada@example.org");
      String token = a.accessToken("ada@example.org");
      assertThat(b.get("/api/v1/me", token).status()).isEqualTo(200);
      assertThat(a.call("DELETE", "/api/v1/sessions/current", null, token).status()).isEqualTo(204);
      assertThat(b.get("/api/v1/me", token).status()).isEqualTo(401);
      assertThat(b.get("/.well-known/jwks.json", null).raw())
          .isEqualTo(a.get("/.well-known/jwks.json", null).raw());
    }
  }

  @Test
  void password_change_on_one_node_ends_the_other_sessions_on_the_other() {
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open");
        TestServer b = a.secondNode()) {
      a.register("ada@example.org");
      String here = a.accessToken("ada@example.org");
      String elsewhere = b.accessToken("ada@example.org");
      assertThat(b.get("/api/v1/me", elsewhere).status()).isEqualTo(200);
      Resp changed =
          a.call(
              "PUT",
              "/api/v1/me/password",
              obj("current_password", PASSWORD, "new_password", "a brand new passphrase"),
              here);
      assertThat(changed.status()).isEqualTo(204);
      assertThat(b.get("/api/v1/me", elsewhere).status()).isEqualTo(401);
      assertThat(b.get("/api/v1/me", here).status()).isEqualTo(200);
    }
  }

  @Test
  void disabling_a_user_and_revoking_a_key_on_one_node_hold_on_the_other() {
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open");
        TestServer b = a.secondNode()) {
      String admin = a.adminToken("root@example.org");
      String ada = a.register("ada@example.org").path("id").asText();
      String eve = a.register("eve@example.org").path("id").asText();
      String adaToken = a.accessToken("ada@example.org");
      String adaKey =
          a.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), adaToken).text("key");
      String eveToken = b.accessToken("eve@example.org");
      JsonNode eveKey = b.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), eveToken).json();
      assertThat(b.get("/api/v1/me", adaKey).status()).isEqualTo(200);
      assertThat(a.get("/api/v1/me", eveKey.path("key").asText()).status()).isEqualTo(200);

      assertThat(a.call("PATCH", "/api/v1/users/" + ada, obj("status", "disabled"), admin).status())
          .isEqualTo(200);
      assertThat(b.get("/api/v1/me", adaToken).status()).isEqualTo(401);
      assertThat(b.get("/api/v1/me", adaKey).status()).isEqualTo(401);

      assertThat(
              b.call("DELETE", "/api/v1/me/api-keys/" + eveKey.path("id").asText(), null, eveToken)
                  .status())
          .isEqualTo(204);
      assertThat(a.get("/api/v1/me", eveKey.path("key").asText()).status()).isEqualTo(401);
      assertThat(a.get("/api/v1/users/" + eve, admin).status()).isEqualTo(200);
    }
  }

  @Test
  void a_refresh_token_spent_on_one_node_is_refused_on_the_other_and_ends_the_session() {
    try (TestServer a = TestServer.start("USERMAN_REGISTRATION=open");
        TestServer b = a.secondNode()) {
      a.register("ada@example.org");
      JsonNode login = a.login("ada@example.org");
      String refresh = login.path("refresh_token").asText();
      Resp first = a.post("/api/v1/sessions/refresh", obj("refresh_token", refresh));
      assertThat(first.status()).isEqualTo(200);
      Resp reuse = b.post("/api/v1/sessions/refresh", obj("refresh_token", refresh));
      assertThat(reuse.status()).isEqualTo(401);
      assertThat(reuse.code()).isEqualTo("invalid_token");
      assertThat(a.get("/api/v1/me", first.text("access_token")).status()).isEqualTo(401);
      assertThat(
              b.post("/api/v1/sessions/refresh", obj("refresh_token", first.text("refresh_token")))
                  .status())
          .isEqualTo(401);
    }
  }

  /**
   * The same, many times over: each node keeps the session in memory (the first read on B), and
   * must still refuse it at the very next request after the sign-out on A answered, every time.
   * Another user's reads keep B busy meanwhile, so that B holds a lease (its row in node_lease) and
   * answers from memory without a round trip: only A's wait for B's lease makes the sign-out hold
   * there. (Core's ServerChangesTest checks the lease itself.)
   */
  @Test
  void every_sign_out_holds_on_the_other_node_at_its_next_request() throws Exception {
    // Forty sign-ins from one address: past the sign-in limit, which is not what this tests.
    try (TestServer a =
            TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_LIMITS_ENABLED=false");
        TestServer b = a.secondNode()) {
      a.register("ada@example.org");
      a.register("bob@example.org");
      String bob = a.accessToken("bob@example.org");
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger refused = new AtomicInteger();
      Thread load =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (!stop.get()) {
                      if (b.get("/api/v1/me", bob).status() != 200) {
                        refused.incrementAndGet();
                      }
                    }
                  });
      try {
        // A quarter of a second of steady reads makes a node busy.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!leaseHeld(b) && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        int leased = 0;
        for (int i = 0; i < 40; i++) {
          String token = a.accessToken("ada@example.org");
          assertThat(b.get("/api/v1/me", token).status()).isEqualTo(200);
          assertThat(b.get("/api/v1/me", token).status()).isEqualTo(200);
          leased += leaseHeld(b) ? 1 : 0;
          assertThat(a.call("DELETE", "/api/v1/sessions/current", null, token).status())
              .isEqualTo(204);
          assertThat(b.get("/api/v1/me", token).status()).as("round %d", i).isEqualTo(401);
        }
        // Every round must hold; that rounds ran with B answering from memory under a lease is
        // what makes this test more than the round-trip path. A starved machine may let the lease
        // lapse between rounds (the core's CountWatchTest and ServerChangesTest drive that on a
        // ticker), so here it is enough that a good share of the rounds had one.
        assertThat(leased).as("rounds with B holding a lease").isGreaterThanOrEqualTo(10);
      } finally {
        stop.set(true);
        load.join();
      }
      assertThat(refused.get()).isZero();
    }
  }

  /** Whether a node holds a live lease on the node's database: a row of node_lease not run out. */
  private static boolean leaseHeld(TestServer node) {
    String now = TestDatabases.kind().equals("postgresql") ? "now()" : "UTC_TIMESTAMP(6)";
    return Long.parseLong(
            node.column("SELECT COUNT(*) FROM node_lease WHERE lease_until > " + now).get(0))
        > 0;
  }

  /**
   * With database.listen_for_changes off the nodes cache nothing, and a revocation holds all the
   * same.
   */
  @Test
  void without_the_change_watch_a_sign_out_holds_on_the_other_node_too() {
    try (TestServer a =
            TestServer.start(
                "USERMAN_REGISTRATION=open", "USERMAN_DATABASE_LISTEN_FOR_CHANGES=false");
        TestServer b = a.secondNode()) {
      assertThat(b.userman().cachesOn(Duration.ZERO)).as("B keeps nothing in memory").isFalse();
      a.register("ada@example.org");
      String token = a.accessToken("ada@example.org");
      assertThat(b.get("/api/v1/me", token).status()).isEqualTo(200);
      assertThat(a.call("DELETE", "/api/v1/sessions/current", null, token).status()).isEqualTo(204);
      assertThat(b.get("/api/v1/me", token).status()).isEqualTo(401);
    }
  }

  @Test
  void a_client_secret_revoked_on_one_node_is_refused_on_the_other_with_its_tokens() {
    try (TestServer a = TestServer.start();
        TestServer b = a.secondNode()) {
      String admin = a.adminToken("root@example.org");
      String id =
          a.call(
                  "POST",
                  "/api/v1/service-accounts",
                  obj("name", "billing", "roles", new String[] {"admin"}),
                  admin)
              .text("id");
      Resp secret = a.call("POST", "/api/v1/service-accounts/" + id + "/secrets", null, admin);
      String form =
          "grant_type=client_credentials&client_id="
              + id
              + "&client_secret="
              + secret.text("secret");
      Resp granted = b.send("POST", "/oauth2/token", "application/x-www-form-urlencoded", form);
      assertThat(granted.status()).as(granted.raw()).isEqualTo(200);
      String token = granted.text("access_token");
      assertThat(b.get("/api/v1/service-accounts", token).status()).isEqualTo(200);

      assertThat(
              a.call(
                      "DELETE",
                      "/api/v1/service-accounts/" + id + "/secrets/" + secret.text("id"),
                      null,
                      admin)
                  .status())
          .isEqualTo(204);
      assertThat(b.get("/api/v1/service-accounts", token).status()).isEqualTo(401);
      Resp again = b.send("POST", "/oauth2/token", "application/x-www-form-urlencoded", form);
      assertThat(again.status()).isEqualTo(401);
      assertThat(again.text("error")).isEqualTo("invalid_client");
    }
  }
}
