package org.userman.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.userman.UsermanConfig;
import org.userman.common.InvalidSettingException;

/** The validated, immutable settings of one node. */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    LogFormat logFormat,
    UsermanConfig core,
    List<String> corsOrigins,
    TrustedProxies trustedProxies,
    Duration idleTimeout,
    ConnectionLimits connections,
    MetricsSettings metrics,
    TracingSettings tracing) {

  public ServerConfig {
    if (host == null || host.isBlank()) {
      throw new InvalidSettingException("http.host", "is required");
    }
    if (port < 0 || port > 65535) {
      throw new InvalidSettingException("http.port", "must be 0..65535");
    }
    for (String origin : corsOrigins) {
      if (!origin.matches("https?://[^/\\s]+")) {
        throw new InvalidSettingException(
            "http.cors_origins",
            "must be origins such as https://app.example.org, separated by commas");
      }
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new InvalidSettingException("http.idle_timeout", "must be a positive duration");
    }
    if (connections == null) {
      throw new IllegalArgumentException("connections is required");
    }
    if (metrics == null) {
      throw new IllegalArgumentException("metrics is required");
    }
    if (tracing == null) {
      throw new IllegalArgumentException("tracing is required");
    }
    if (metrics.enabled() && metrics.port() != 0 && metrics.port() == port) {
      throw new InvalidSettingException(
          "metrics.port",
          "must differ from http.port: metrics are never served on the public port");
    }
    corsOrigins = List.copyOf(corsOrigins);
  }

  /**
   * What one client, and all of them, may hold of a node: a request must arrive in full (its
   * headers, and its body when it has one) within {@code requestReadTimeout} of its first line; a
   * node holds at most {@code maxConnections} connections, at most {@code maxPerAddress} of them
   * from one address (a trusted proxy's connections count only toward the total).
   */
  public record ConnectionLimits(
      Duration requestReadTimeout, int maxConnections, int maxPerAddress) {
    public ConnectionLimits {
      if (requestReadTimeout == null
          || requestReadTimeout.isNegative()
          || requestReadTimeout.isZero()) {
        throw new InvalidSettingException(
            "http.request_read_timeout", "must be a positive duration");
      }
      if (maxConnections < 1) {
        throw new InvalidSettingException("http.max_connections", "must be at least 1");
      }
      if (maxPerAddress < 1 || maxPerAddress > maxConnections) {
        throw new InvalidSettingException(
            "http.max_connections_per_address", "must be 1..http.max_connections");
      }
    }
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
    if (!url.startsWith("jdbc:sqlite:")) {
      return null;
    }
    String file = url.substring("jdbc:sqlite:".length());
    int query = file.indexOf('?');
    return Path.of(query < 0 ? file : file.substring(0, query));
  }
}
