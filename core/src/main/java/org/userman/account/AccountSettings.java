package org.userman.account;

import java.time.Duration;

/** The account rules an operator sets. */
public record AccountSettings(
    RegistrationPolicy registration, Duration verificationTtl, Duration resetTtl, int passwordMinLength) {

  public static AccountSettings defaults() {
    return new AccountSettings(RegistrationPolicy.VERIFY, Duration.ofHours(24), Duration.ofHours(1), 10);
  }
}
