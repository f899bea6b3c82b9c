package org.userman.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.userman.UsermanConfig;

/** The validated, immutable settings of one node. */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    LogFormat logFormat,
    UsermanConfig core,
    List<String> corsOrigins,
    TrustedProxies trustedProxies,
    Duration idleTimeout) {

  public ServerConfig {
    corsOrigins = List.copyOf(corsOrigins);
  }

  /** Whether people reach the service over https (then answers carry HSTS). */
  public boolean https() {
    return core.publicUrl().startsWith("https://");
  }

  public enum LogFormat {
    TEXT,
    JSON
  }

  /** Where the embedded database lives, or null when the database is a server. */
  public Path sqliteFile() {
    String url = core.database().url();
    return url.startsWith("jdbc:sqlite:") ? Path.of(url.substring("jdbc:sqlite:".length()).split("\\?")[0]) : null;
  }
}
