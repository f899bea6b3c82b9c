package org.userman.limit;

import java.time.Duration;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;

/** Over a limit: {@code rate_limited}, and when to try again. */
public final class RateLimitedException extends UsermanException {
  private final Duration retryAfter;

  public RateLimitedException(Duration retryAfter) {
    super(
        ErrorCode.RATE_LIMITED,
        "Too many requests; try again in " + Math.max(1, seconds(retryAfter)) + " s.");
    this.retryAfter = retryAfter;
  }

  /** Whole seconds, rounded up, at least one (the value of a Retry-After header). */
  public long retryAfterSeconds() {
    return Math.max(1, seconds(retryAfter));
  }

  private static long seconds(Duration d) {
    return (d.toMillis() + 999) / 1000;
  }
}
