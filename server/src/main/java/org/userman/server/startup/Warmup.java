package org.userman.server.startup;

import io.helidon.webserver.WebServer;
import java.util.concurrent.CompletableFuture;

/**
 * Start-up work that needs no configuration, done on two background threads while the node opens
 * its database: class loading and static set-up that would otherwise sit on the start's one
 * critical path. Jdbi's JFR set-up and Helidon's have a thread each: done in turn on one, they were
 * what the start waited for.
 *
 * <p>Two threads initialising the classes of one library at once can deadlock when those classes'
 * static set-up refer to one another. So the start touches Helidon only after {@link #webServer}
 * has completed; Jdbi's JFR support, whose set-up involves only its own event class, needs no wait.
 */
final class Warmup {
  private final CompletableFuture<Void> webServer = new CompletableFuture<>();

  private Warmup() {}

  /** Starts the background work. */
  static Warmup begin() {
    Warmup w = new Warmup();
    Thread.ofPlatform().daemon().name("userman-warmup-jfr").start(Warmup::jfr);
    Thread.ofPlatform().daemon().name("userman-warmup").start(w::warmWebServer);
    return w;
  }

  /**
   * Completes once the background work is done with Helidon, before the start touches its classes.
   */
  CompletableFuture<Void> webServer() {
    return webServer;
  }

  private static void jfr() {
    // Jdbi registers its statement event with JFR the first time it runs a statement: JFR's own
    // set-up. The class does only that, so it can be initialised beside the start.
    try {
      Class.forName(
          "org.jdbi.v3.core.statement.internal.JfrSupport", true, Warmup.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError ignored) {
      // a later Jdbi without it: nothing to warm
    }
  }

  private void warmWebServer() {
    // Helidon's configuration, service registry and protocol discovery, set up once per JVM by the
    // first server built: this one is never started.
    try {
      WebServer.builder().host("127.0.0.1").port(0).shutdownHook(false).routing(r -> {}).build();
    } catch (RuntimeException ignored) {
      // the real server, built next, reports whatever this was
    } finally {
      webServer.complete(null);
    }
  }
}
