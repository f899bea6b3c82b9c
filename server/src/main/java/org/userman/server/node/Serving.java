package org.userman.server.node;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.userman.server.config.ServerConfig;
import org.userman.server.http.LogWriter;

/** {@code userman serve}: runs a node until the process is told to stop. */
public final class Serving {
  private Serving() {}

  private static String hostInUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /**
   * Starts a node with {@code config}, says where it listens, and serves until SIGTERM or SIGINT,
   * then stops it cleanly. {@code helidonWarm} completes once Helidon may be touched.
   */
  public static void run(ServerConfig config, CompletableFuture<Void> helidonWarm) {
    long start = System.nanoTime();
    // Every line the server writes to standard output goes through this one writer, in order.
    LogWriter out = new LogWriter(new FileOutputStream(FileDescriptor.out));
    UsermanServer server;
    try {
      server = UsermanServer.start(config, Clock.systemUTC(), new SecureRandom(), out, helidonWarm);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  out.close();
                  stopped.countDown();
                },
                "userman-shutdown"));
    out.accept(
        String.format(
            "userman: listening on http://%s:%d (%s, registration %s%s) after %d ms",
            hostInUrl(config.host()),
            server.port(),
            config.sqliteFile() != null
                ? "embedded database " + config.sqliteFile()
                : "database " + server.userman().storage().dialect(),
            config.core().accounts().registration().name().toLowerCase(Locale.ROOT),
            config.metrics().enabled()
                ? ", metrics on http://"
                    + hostInUrl(config.metrics().host())
                    + ":"
                    + server.metricsPort()
                    + "/metrics"
                    + (config.metrics().token() != null ? " with a token" : "")
                : "",
            (System.nanoTime() - start) / 1_000_000));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
