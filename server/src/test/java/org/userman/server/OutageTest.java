package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TcpProxy;
import org.userman.server.support.TestServer;
import org.userman.testkit.TestDatabases;

/** When the database goes away the node answers 503 promptly, and it recovers by itself. */
class OutageTest {
  private static final Pattern HOST_PORT = Pattern.compile("(jdbc:[a-z]+://)([^:/]+):(\\d+)(.*)");

  /** A bound far above the 2 s timeout: only a hang, not a slow machine, can break it. */
  private static final Duration NO_HANG = Duration.ofSeconds(20);

  @Test
  void unreachable_database_gives_503_unavailable_then_the_node_recovers() {
    Assumptions.assumeFalse(
        TestDatabases.isSqlite(),
        "the embedded database lives in the process and cannot become unreachable");
    AtomicReference<TcpProxy> proxy = new AtomicReference<>();
    try (TestServer s =
            TestServer.start(
                url -> {
                  Matcher m = HOST_PORT.matcher(url);
                  assertThat(m.matches()).as(url).isTrue();
                  proxy.set(new TcpProxy(m.group(2), Integer.parseInt(m.group(3))));
                  return m.group(1) + "127.0.0.1:" + proxy.get().port() + m.group(4);
                },
                "USERMAN_REGISTRATION=open",
                "USERMAN_DATABASE_TIMEOUT=2s");
        TcpProxy relay = proxy.get()) {
      s.register("ada@example.org");
      String token = s.accessToken("ada@example.org");
      assertThat(s.get("/health/ready", null).status()).isEqualTo(200);

      relay.cut();
      for (Resp r :
          new Resp[] {
            timed(() -> s.get("/health/ready", null)),
            timed(() -> s.get("/api/v1/me", token)),
            timed(
                () ->
                    s.post(
                        "/api/v1/sessions",
                        obj("email", "ada@example.org", "password", TestServer.PASSWORD))),
            timed(
                () ->
                    s.post(
                        "/api/v1/users",
                        obj("email", "bob@example.org", "password", TestServer.PASSWORD)))
          }) {
        assertThat(r.status())
            .as(() -> r + "\nnode log:\n" + String.join("\n", s.log))
            .isEqualTo(503);
        assertThat(r.code()).isEqualTo("unavailable");
      }
      assertThat(s.get("/health/live", null).status()).isEqualTo(200);

      relay.restore();
      long deadline = System.nanoTime() + NO_HANG.toNanos();
      int ready = 0;
      while (ready != 200 && System.nanoTime() < deadline) {
        ready = s.get("/health/ready", null).status();
      }
      assertThat(ready).isEqualTo(200);
      assertThat(s.get("/api/v1/me", token).status()).isEqualTo(200);
      assertThat(
              s.post(
                      "/api/v1/users",
                      obj("email", "bob@example.org", "password", TestServer.PASSWORD))
                  .status())
          .isEqualTo(201);
    }
  }

  private static Resp timed(java.util.function.Supplier<Resp> call) {
    long start = System.nanoTime();
    Resp r = call.get();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(NO_HANG);
    return r;
  }
}
