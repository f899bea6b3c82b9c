package org.userman.limit.internal;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import org.userman.limit.Limit;
import org.userman.store.internal.Database;

/** Where the token buckets live: in this process, or in the database or Redis every node shares. */
interface BucketSource extends AutoCloseable {
  Bucket bucket(String key, Limit limit);

  /**
   * A bucket that sees many requests a second; stores shared by nodes may trade exactness for
   * speed.
   */
  default Bucket hotBucket(String key, Limit limit) {
    return bucket(key, limit);
  }

  /** The error a failure of this store means to clients: {@code unavailable} for an outage. */
  default RuntimeException translate(RuntimeException e) {
    return Database.translate(e);
  }

  @Override
  default void close() {}

  /**
   * Drops buckets idle for longer than any limit's period; returns how many (where it can tell).
   */
  default int prune() {
    return 0;
  }

  static Bandwidth bandwidth(Limit limit) {
    return Bandwidth.builder()
        .capacity(limit.capacity())
        .refillGreedy(limit.capacity(), limit.period())
        .build();
  }

  static BucketConfiguration configuration(Limit limit) {
    return BucketConfiguration.builder().addLimit(bandwidth(limit)).build();
  }

  /** Bucket time from the injected clock, so tests move it without sleeping. */
  static TimeMeter timeOf(Clock clock) {
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return clock.millis() * 1_000_000L;
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }
}
