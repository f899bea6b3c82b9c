package org.userman.limit;

import java.time.Duration;
import java.util.Locale;

/** What is limited, per what key, and the default allowance (greedy refill over the period). */
public enum LimitRule {
  /**
   * Wrong passwords for one account, whatever name reached it (and for one unknown login name,
   * normalized), at sign-in and wherever the current password is asked: against password guessing.
   * One is taken before each check and given back when the password was right.
   */
  LOGIN_PER_ACCOUNT(10, Duration.ofMinutes(15)),
  /** Sign-in attempts from one client address: against credential stuffing and spraying. */
  LOGIN_PER_IP(30, Duration.ofMinutes(1)),
  REGISTRATION_PER_IP(10, Duration.ofHours(1)),
  VERIFICATION_PER_IP(10, Duration.ofHours(1)),
  /** Verification mails to one address: asked for, or to confirm an email change to it. */
  VERIFICATION_PER_EMAIL(3, Duration.ofHours(1)),
  RESET_PER_IP(10, Duration.ofHours(1)),
  RESET_PER_EMAIL(3, Duration.ofHours(1)),
  REFRESH_PER_SESSION(30, Duration.ofMinutes(1)),
  /** Refresh attempts from one client address, spent or made-up tokens included. */
  REFRESH_PER_IP(300, Duration.ofMinutes(1)),
  /** Confirmations of mailed tokens (verification, reset) from one client address. */
  TOKEN_CONFIRM_PER_IP(60, Duration.ofHours(1)),
  /**
   * Email-change requests of one user (each mails the new address, which its own limit guards too).
   */
  EMAIL_CHANGE_PER_USER(5, Duration.ofHours(1)),
  /**
   * Requests to the OAuth token endpoint, and refused client authentications anywhere (an
   * introspection's caller), from one client address.
   */
  OAUTH_PER_IP(600, Duration.ofMinutes(1)),
  /** Invitations to organizations that one user sends: each is a mail to an address they chose. */
  INVITATION_PER_USER(20, Duration.ofHours(1)),
  /** Invitations to one address, from anyone. */
  INVITATION_PER_EMAIL(5, Duration.ofHours(1)),
  /** Authenticated API calls per access-token session or API key. */
  API_PER_CREDENTIAL(1200, Duration.ofMinutes(1));

  @SuppressWarnings("ImmutableEnumChecker") // Limit is a record of a long and a Duration: immutable
  private final Limit defaultLimit;

  LimitRule(long capacity, Duration period) {
    this.defaultLimit = new Limit(capacity, period);
  }

  public Limit defaultLimit() {
    return defaultLimit;
  }

  /** The name in settings ({@code limits.login_per_ip}) and in audit details. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
