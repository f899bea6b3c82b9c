package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TcpProxy;
import org.userman.server.support.TestServer;
import org.userman.testkit.TestDatabases;

/**
 * With USERMAN_REDIS_URL the buckets live in Redis: shared by the nodes, and an outage is a 503.
 */
class RedisLimitTest {

  @Test
  void limits_hold_through_redis_and_recover() {
    try (TestServer s =
        TestServer.start(
            "USERMAN_REGISTRATION=open",
            "USERMAN_LIMITS_LOGIN_PER_IP=3/1m",
            "USERMAN_REDIS_URL=" + TestDatabases.redisUrl(),
            "USERMAN_REDIS_PREFIX=" + prefix())) {
      s.register("ada@example.org");
      for (int i = 0; i < 3; i++) {
        assertThat(login(s).status()).isEqualTo(201);
      }
      Resp refused = login(s);
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.header("Retry-After")).isNotNull();
      if (!TestDatabases.isSqlite()) {
        try (TestServer b = s.secondNode()) {
          assertThat(login(b).status()).as("the other node sees the same bucket").isEqualTo(429);
        }
      }
      s.clock.advance(Duration.ofSeconds(21));
      assertThat(login(s).status()).isEqualTo(201);
    }
  }

  @Test
  void an_unreachable_redis_gives_503_unavailable_then_recovers() {
    URI redis = URI.create(TestDatabases.redisUrl());
    try (TcpProxy proxy = new TcpProxy(redis.getHost(), redis.getPort());
        TestServer s =
            TestServer.start(
                "USERMAN_REGISTRATION=open",
                "USERMAN_DATABASE_TIMEOUT=2s",
                "USERMAN_REDIS_URL=redis://127.0.0.1:" + proxy.port() + redis.getPath(),
                "USERMAN_REDIS_PREFIX=" + prefix())) {
      s.register("ada@example.org");
      assertThat(login(s).status()).isEqualTo(201);
      proxy.cut();
      Resp down = login(s);
      assertThat(down.status())
          .as(() -> down + "\nnode log:\n" + String.join("\n", s.log))
          .isEqualTo(503);
      assertThat(down.code()).isEqualTo("unavailable");
      proxy.restore();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int status = 0;
      while (status != 201 && System.nanoTime() < deadline) {
        status = login(s).status();
      }
      assertThat(status).isEqualTo(201);
    }
  }

  private static String prefix() {
    return "userman-test-" + UUID.randomUUID() + ":";
  }

  private static Resp login(TestServer s) {
    return s.post("/api/v1/sessions", obj("email", "ada@example.org", "password", PASSWORD));
  }
}
