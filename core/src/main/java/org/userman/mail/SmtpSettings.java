package org.userman.mail;

import java.time.Duration;

/**
 * An SMTP server to send through. {@code security}: {@code starttls} (upgrade a plain connection,
 * required), {@code tls} (TLS from the first byte, usually port 465) or {@code none} (tests,
 * local relays). {@code user} and {@code password} may be null.
 */
public record SmtpSettings(String host, int port, String user, String password, Security security, Duration timeout) {
  public enum Security {
    STARTTLS,
    TLS,
    NONE
  }

  @Override
  public String toString() {
    return "SmtpSettings[" + host + ":" + port + ", " + security + (user == null ? "" : ", user " + user) + "]";
  }
}
