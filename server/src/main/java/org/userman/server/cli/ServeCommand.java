package org.userman.server.cli;

import java.util.concurrent.CountDownLatch;
import org.userman.server.UsermanServer;
import org.userman.server.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the HTTP server until stopped.")
final class ServeCommand implements Runnable {
  @ParentCommand RootCommand root;

  @Override
  public void run() {
    ServerConfig config = root.loadConfig();
    long start = System.nanoTime();
    UsermanServer server = UsermanServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "userman-shutdown"));
    System.out.printf(
        "userman: listening on http://%s:%d (%s, registration %s) after %d ms%n",
        config.host().contains(":") ? "[" + config.host() + "]" : config.host(),
        server.port(),
        config.sqliteFile() != null ? "embedded database " + config.sqliteFile() : "database " + server.userman().database().dialect(),
        config.core().accounts().registration().name().toLowerCase(java.util.Locale.ROOT),
        (System.nanoTime() - start) / 1_000_000);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
