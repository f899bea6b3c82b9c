package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userman.Userman;
import org.userman.account.NewUser;
import org.userman.common.Actor;
import org.userman.common.Page;
import org.userman.password.Password;
import org.userman.server.config.ConfigLoader;
import org.userman.server.support.TestServer;
import org.userman.testkit.MutableClock;
import org.userman.testkit.TestDatabases;
import org.userman.webhook.NewWebhook;
import org.userman.webhook.WebhookDelivery;

/**
 * A server process killed with SIGKILL in the middle of its webhook deliveries loses no event: the
 * deliveries it had not finished are still queued, and once its endpoint lease lapses another node
 * delivers them all (at least once: what the dead node had sent but not yet marked goes out again).
 */
class WebhookCrashTest {
  private static final int EVENTS = 40;

  @TempDir Path dataDir;

  @Test
  void a_node_killed_mid_delivery_loses_no_event() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    Semaphore arrived = new Semaphore(0);
    HttpServer receiver =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        x -> {
          x.getRequestBody().readAllBytes();
          received.add(x.getRequestHeaders().getFirst("webhook-id"));
          arrived.release();
          try {
            // a slow receiver, so that the kill falls among the deliveries
            Thread.sleep(50);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    receiver.start();
    TestDatabases.Fresh db = TestDatabases.fresh();
    Process node = null;
    try {
      Map<String, String> env = env(db);
      // this JVM's node queues the events; its clock runs ahead once the other node is dead
      MutableClock clock = new MutableClock(Instant.now());
      try (Userman here =
          Userman.open(ConfigLoader.load(null, env).core(), clock, new SecureRandom())) {
        String url =
            "http://"
                + receiver.getAddress().getAddress().getHostAddress()
                + ":"
                + receiver.getAddress().getPort()
                + "/hook";
        String hook =
            here.webhooks()
                .create(new NewWebhook(url, null, null, null), Actor.COMMAND_LINE)
                .webhook()
                .id();
        for (int i = 0; i < EVENTS; i++) {
          here.accounts()
              .create(
                  NewUser.of(
                      "user" + i + "@example.org", Password.of("crash test passphrase " + i)),
                  true,
                  Actor.COMMAND_LINE);
        }

        node = serve(env);
        assertThat(arrived.tryAcquire(10, 120, TimeUnit.SECONDS))
            .as("the server process delivers")
            .isTrue();
        node.destroyForcibly(); // SIGKILL
        assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int beforeKill = received.size();
        assertThat(beforeKill).as("killed in the middle").isLessThan(EVENTS);

        clock.advance(Duration.ofMinutes(6)); // past the dead node's endpoint lease
        for (int round = 0; round < 5 && pending(here, hook) > 0; round++) {
          here.webhooks().deliverDue();
        }

        assertThat(pending(here, hook)).isZero();
        Set<String> all =
            here.webhooks().deliveries(hook, Page.MAX_LIMIT, null).items().stream()
                .map(WebhookDelivery::eventId)
                .collect(Collectors.toSet());
        assertThat(all).hasSize(EVENTS);
        assertThat(new HashSet<>(received)).as("every event arrived").isEqualTo(all);
        assertThat(received.size() - EVENTS)
            .as("sent twice: at most those sent but not yet marked delivered at the kill")
            .isLessThanOrEqualTo(20);
      }
    } finally {
      if (node != null) {
        node.destroyForcibly();
      }
      receiver.stop(0);
      TestDatabases.drop(db);
    }
  }

  private static long pending(Userman u, String hook) {
    return u.webhooks().deliveries(hook, Page.MAX_LIMIT, null).items().stream()
        .filter(d -> d.status() != WebhookDelivery.Status.DELIVERED)
        .count();
  }

  private Map<String, String> env(TestDatabases.Fresh db) {
    Map<String, String> env = new HashMap<>();
    env.put("USERMAN_HTTP_PORT", "0");
    env.put("USERMAN_DATA_DIR", dataDir.toString());
    env.put("USERMAN_PUBLIC_URL", "http://userman.test");
    env.put("USERMAN_KEYS_ENCRYPTION_KEY", TestServer.ENCRYPTION_KEY);
    env.put("USERMAN_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true");
    env.put("USERMAN_PASSWORDS_ARGON2_MEMORY_KIB", "8192");
    env.put("USERMAN_PASSWORDS_ARGON2_ITERATIONS", "1");
    if (db != null) {
      env.put("USERMAN_DATABASE_URL", db.url());
      if (db.server().user() != null) {
        env.put("USERMAN_DATABASE_USER", db.server().user());
      }
      if (db.server().password() != null) {
        env.put("USERMAN_DATABASE_PASSWORD", db.server().password());
      }
    }
    return env;
  }

  /** The server as a process of its own, on this JVM's class path. */
  private Process serve(Map<String, String> env) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java, "-cp", System.getProperty("java.class.path"), "org.userman.server.Main", "serve");
    pb.environment().putAll(env);
    Path log = Files.createTempFile(dataDir, "server", ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }
}
