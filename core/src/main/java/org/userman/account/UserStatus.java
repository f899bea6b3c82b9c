package org.userman.account;

import java.util.Locale;
import java.util.Optional;

public enum UserStatus {
  PENDING,
  ACTIVE,
  DISABLED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<UserStatus> parse(String s) {
    for (UserStatus status : values()) {
      if (status.wire().equals(s)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
