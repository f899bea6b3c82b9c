package org.userman.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When an outbox retries a failed delivery: {@code first} after the first failure, doubling, at
 * most {@code max}; with {@code jitter} (0 to 1), each wait is drawn from {@code [d·(1-jitter), d]}
 * so that the retries of many deliveries that failed together spread out.
 */
public record Backoff(Duration first, Duration max, double jitter) {
  public Backoff {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("backoff must grow from a positive first wait");
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be between 0 and 1");
    }
  }

  /** The wait after {@code attempts} failed attempts (at least 1), without jitter. */
  public Duration after(int attempts) {
    Duration d = first.multipliedBy(1L << Math.min(Math.max(attempts, 1) - 1, 30));
    return d.compareTo(max) > 0 ? max : d;
  }

  /** The wait after {@code attempts} failed attempts, with jitter drawn from {@code random}. */
  public Duration after(int attempts, RandomGenerator random) {
    Duration d = after(attempts);
    if (jitter == 0) {
      return d;
    }
    long millis = d.toMillis();
    long spread = (long) (millis * jitter);
    return Duration.ofMillis(millis - (spread == 0 ? 0 : random.nextLong(spread + 1)));
  }
}
