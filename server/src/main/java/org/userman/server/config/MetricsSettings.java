package org.userman.server.config;

import org.userman.common.InvalidSettingException;

/**
 * Where Prometheus metrics are served: off unless a port is set, and then on a listener of their
 * own, never on the public one. With a token set, a scrape must bring it as {@code Authorization:
 * Bearer <token>}.
 *
 * @param host the address the metrics listener binds
 * @param port its port (0: any free one); null when metrics are off
 * @param token what a scrape must bring; null for none (the listener's address is then the guard)
 */
public record MetricsSettings(String host, Integer port, String token) {
  /** The least length of a token: a guessable one would guard nothing. */
  public static final int MIN_TOKEN_LENGTH = 16;

  public static final MetricsSettings OFF = new MetricsSettings("127.0.0.1", null, null);

  public MetricsSettings {
    if (host == null || host.isBlank()) {
      throw new InvalidSettingException("metrics.host", "is required");
    }
    if (port != null && (port < 0 || port > 65535)) {
      throw new InvalidSettingException("metrics.port", "must be 0..65535");
    }
    if (token != null
        && (token.length() < MIN_TOKEN_LENGTH
            || token.length() > 200
            || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      // The value is a secret: the message never repeats it.
      throw new InvalidSettingException(
          "metrics.token",
          "must be "
              + MIN_TOKEN_LENGTH
              + " to 200 printable ASCII characters without spaces, such as `openssl rand -hex 32` prints");
    }
  }

  /** Whether metrics are served at all. */
  public boolean enabled() {
    return port != null;
  }
}
