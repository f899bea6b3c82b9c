package org.userman.account;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.userman.common.InvalidSettingException;

/**
 * The account rules an operator sets: who may register, how long mailed tokens last, and the least
 * password length (NIST SP 800-63B: at least 8; passwords are at most {@link #MAX_PASSWORD_LENGTH}
 * characters), which attributes a user's public profile shows to other signed-in users, and how
 * long an address a user gave up stays theirs alone ({@code emailReservation}; zero: not at all).
 */
public record AccountSettings(
    RegistrationPolicy registration,
    Duration verificationTtl,
    Duration resetTtl,
    int passwordMinLength,
    List<String> publicAttributes,
    Duration emailReservation) {
  public static final int ABSOLUTE_MIN_PASSWORD_LENGTH = 8;
  public static final int MAX_PASSWORD_LENGTH = 256;

  /**
   * How long a given-up address stays reserved for its former owner unless the operator says
   * otherwise: long enough to notice a change one did not make and take the address back.
   */
  public static final Duration DEFAULT_EMAIL_RESERVATION = Duration.ofDays(30);

  /** The longest reservation: beyond it an address would in effect never be free again. */
  public static final Duration MAX_EMAIL_RESERVATION = Duration.ofDays(3650);

  /** The settings with the default email reservation. */
  public AccountSettings(
      RegistrationPolicy registration,
      Duration verificationTtl,
      Duration resetTtl,
      int passwordMinLength,
      List<String> publicAttributes) {
    this(
        registration,
        verificationTtl,
        resetTtl,
        passwordMinLength,
        publicAttributes,
        DEFAULT_EMAIL_RESERVATION);
  }

  /** The settings with no attribute public. */
  public AccountSettings(
      RegistrationPolicy registration,
      Duration verificationTtl,
      Duration resetTtl,
      int passwordMinLength) {
    this(registration, verificationTtl, resetTtl, passwordMinLength, List.of());
  }

  public AccountSettings {
    publicAttributes = List.copyOf(publicAttributes);
    for (String name : publicAttributes) {
      if (name.isBlank() || name.length() > 64) {
        throw new InvalidSettingException(
            "profile.public_attributes", "must name attributes of 1 to 64 characters");
      }
    }
    Objects.requireNonNull(registration, "registration");
    Objects.requireNonNull(verificationTtl, "verificationTtl");
    Objects.requireNonNull(resetTtl, "resetTtl");
    if (verificationTtl.isNegative() || verificationTtl.isZero()) {
      throw new InvalidSettingException("tokens.verification_ttl", "must be positive");
    }
    if (resetTtl.isNegative() || resetTtl.isZero()) {
      throw new InvalidSettingException("tokens.reset_ttl", "must be positive");
    }
    Objects.requireNonNull(emailReservation, "emailReservation");
    if (emailReservation.isNegative() || emailReservation.compareTo(MAX_EMAIL_RESERVATION) > 0) {
      throw new InvalidSettingException(
          "accounts.email_reservation", "must be between 0 and 3650 days");
    }
    if (passwordMinLength < ABSOLUTE_MIN_PASSWORD_LENGTH
        || passwordMinLength > MAX_PASSWORD_LENGTH) {
      throw new InvalidSettingException(
          "passwords.min_length",
          "must be between " + ABSOLUTE_MIN_PASSWORD_LENGTH + " and " + MAX_PASSWORD_LENGTH);
    }
  }

  public static AccountSettings defaults() {
    return new AccountSettings(
        RegistrationPolicy.VERIFY, Duration.ofHours(24), Duration.ofHours(1), 10);
  }
}
