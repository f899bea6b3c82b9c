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
    Duration idleTimeout) {

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
    if (!url.startsWith("jdbc:sqlite:")) {
      return null;
    }
    String file = url.substring("jdbc:sqlite:".length());
    int query = file.indexOf('?');
    return Path.of(query < 0 ? file : file.substring(0, query));
  }
}
