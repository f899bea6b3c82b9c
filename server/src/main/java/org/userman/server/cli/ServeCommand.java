package org.userman.server.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.userman.server.UsermanServer;
import org.userman.server.config.ServerConfig;
import org.userman.server.http.LogWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the HTTP server until stopped.")
final class ServeCommand implements Runnable {
  @ParentCommand RootCommand root;

  @Override
  public void run() {
    UsermanServer.prepareStart();
    ServerConfig config = root.loadConfig();
    long start = System.nanoTime();
    // Every line the server writes to standard output goes through this one writer, in order.
    LogWriter out = new LogWriter(new FileOutputStream(FileDescriptor.out));
    UsermanServer server;
    try {
      server = UsermanServer.start(config, Clock.systemUTC(), new SecureRandom(), out);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      out.close();
      stopped.countDown();
    }, "userman-shutdown"));
    out.accept(String.format(
        "userman: listening on http://%s:%d (%s, registration %s) after %d ms",
        config.host().contains(":") ? "[" + config.host() + "]" : config.host(),
        server.port(),
        config.sqliteFile() != null ? "embedded database " + config.sqliteFile() : "database " + server.userman().database().dialect(),
        config.core().accounts().registration().name().toLowerCase(java.util.Locale.ROOT),
        (System.nanoTime() - start) / 1_000_000));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
