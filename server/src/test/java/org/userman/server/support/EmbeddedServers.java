package org.userman.server.support;

/** Embedded database servers for machines that run none (filled in below). */
final class EmbeddedServers {
  private EmbeddedServers() {}

  static TestDatabases.Server start(String kind) {
    throw new IllegalStateException("no " + kind + " server answers on its standard local port, and none is configured");
  }
}
