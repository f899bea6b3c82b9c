package org.userman.account;

import java.util.Locale;
import java.util.Optional;

/** Who may register and in which state a new account starts. */
public enum RegistrationPolicy {
  /** Active at once. */
  OPEN,
  /** Pending until the email is verified (the default). */
  VERIFY,
  /** Pending until an admin makes it active. */
  APPROVE,
  /** Only admins create users. */
  CLOSED;

  public static Optional<RegistrationPolicy> parse(String s) {
    for (RegistrationPolicy p : values()) {
      if (p.name().toLowerCase(Locale.ROOT).equals(s)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
