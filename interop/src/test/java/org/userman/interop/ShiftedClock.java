package org.userman.interop;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system's clock, moved by an offset the test sets: a node on it signs tokens that, to a
 * resource server on the real time, expired long ago.
 */
final class ShiftedClock extends Clock {
  private volatile Duration offset = Duration.ZERO;

  void shift(Duration offset) {
    this.offset = offset;
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (zone.normalized().equals(ZoneOffset.UTC)) {
      return this;
    }
    throw new UnsupportedOperationException("a node's clock stays in UTC");
  }
}
