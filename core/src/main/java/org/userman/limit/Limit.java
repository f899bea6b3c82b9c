package org.userman.limit;

import java.time.Duration;

/** At most {@code capacity} in any {@code period}, refilled smoothly. */
public record Limit(long capacity, Duration period) {
  public Limit {
    if (capacity < 1 || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("a limit needs a positive count and period");
    }
  }
}
