package org.userman.server;

import io.helidon.webserver.WebServer;
import java.util.concurrent.CompletableFuture;

/**
 * Start-up work that does not need the database, done once per JVM on two background threads while
 * the first node opens its database: class loading and static set-up that would otherwise sit on
 * the start's one critical path (on 2 cores, side by side, the median start was 0.07 to 0.25 s lower).
 * Jdbi's JFR set-up and Helidon's have a thread each: done in turn on one, they were what the start
 * waited for.
 *
 * <p>Two threads initialising the classes of one library at once can deadlock when those classes'
 * static set-up refer to one another. So the start touches what is warmed here only after it has
 * waited for it ({@link #awaitWebServer}), but for Jdbi's JFR support, whose set-up involves only
 * its own event class, which has none.
 */
final class StartupWarmup {
  private static CompletableFuture<Void> webServer;

  private StartupWarmup() {}

  /** Starts the background work, the first time only. */
  static synchronized void begin() {
    if (webServer != null) {
      return;
    }
    webServer = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("userman-warmup-jfr").start(StartupWarmup::jfr);
    Thread.ofPlatform().daemon().name("userman-warmup").start(StartupWarmup::webServer);
  }

  private static void jfr() {
    // Jdbi registers its statement event with JFR the first time it runs a statement: some 0.1 s of
    // JFR's own set-up. The class does only that, so it can be initialised beside the start.
    try {
      Class.forName("org.jdbi.v3.core.statement.internal.JfrSupport", true, StartupWarmup.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError ignored) {
      // a later Jdbi without it: nothing to warm
    }
  }

  private static void webServer() {
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

  /** Waits until the background work is done with Helidon, before the start touches its classes. */
  static void awaitWebServer() {
    begin();
    webServer.join();
  }
}
