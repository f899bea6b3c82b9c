package org.userman.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Time-ordered identifiers (UUIDv7, RFC 9562): sortable by creation time, so cursors and indexes
 * stay cheap, and not guessable, since 62 bits are random. Within one millisecond the 12-bit field
 * after the time counts up (RFC 9562, method 1), so ids made by one process are strictly increasing
 * even when the clock stands still or steps back.
 */
public final class Ids {
  private final Clock clock;
  private final SecureRandom random;
  private long lastMillis = Long.MIN_VALUE;
  private int counter;

  public Ids(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
  }

  public String next() {
    long millis;
    int seq;
    synchronized (this) {
      millis = Math.max(clock.millis(), lastMillis);
      if (millis == lastMillis) {
        counter++;
        if (counter >= 1 << 12) {
          millis++;
          counter = 0;
        }
      } else {
        counter = random.nextInt(1 << 10);
      }
      lastMillis = millis;
      seq = counter;
    }
    long msb = (millis << 16) | (0x7L << 12) | seq;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
