package org.userman.limit;

import java.time.Duration;
import java.util.Locale;

/** What is limited, per what key, and the default allowance (greedy refill over the period). */
public enum LimitRule {
  /** Failed sign-ins for one account (or one unknown login name): against password guessing. */
  LOGIN_PER_ACCOUNT(10, Duration.ofMinutes(15)),
  /** Sign-in attempts from one client address: against credential stuffing and spraying. */
  LOGIN_PER_IP(30, Duration.ofMinutes(1)),
  REGISTRATION_PER_IP(10, Duration.ofHours(1)),
  VERIFICATION_PER_IP(10, Duration.ofHours(1)),
  VERIFICATION_PER_EMAIL(3, Duration.ofHours(1)),
  RESET_PER_IP(10, Duration.ofHours(1)),
  RESET_PER_EMAIL(3, Duration.ofHours(1)),
  REFRESH_PER_SESSION(30, Duration.ofMinutes(1)),
  /** Authenticated API calls per access-token session or API key. */
  API_PER_CREDENTIAL(1200, Duration.ofMinutes(1));

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
