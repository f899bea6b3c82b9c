package org.userman.mail;

import java.time.Duration;
import org.userman.common.InvalidSettingException;

/**
 * An SMTP server to send through. {@code security}: {@code starttls} (upgrade a plain connection,
 * required), {@code tls} (TLS from the first byte, usually port 465) or {@code none} (tests, local
 * relays). {@code user} and {@code password} may be null.
 */
public record SmtpSettings(
    String host, int port, String user, String password, Security security, Duration timeout) {
  public enum Security {
    STARTTLS,
    TLS,
    NONE
  }

  public SmtpSettings {
    if (host == null || host.isBlank()) {
      throw new InvalidSettingException("smtp.host", "is required");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidSettingException("smtp.port", "must be a port number 1..65535");
    }
    if (security == null) {
      throw new InvalidSettingException("smtp.security", "must be starttls, tls or none");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new InvalidSettingException("smtp.timeout", "must be a positive duration");
    }
  }

  @Override
  public String toString() {
    return "SmtpSettings["
        + host
        + ":"
        + port
        + ", "
        + security
        + (user == null ? "" : ", user " + user)
        + "]";
  }
}
