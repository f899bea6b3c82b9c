package org.userman.limit.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import org.userman.limit.Limit;

/**
 * Buckets in this process: right for the embedded database, which one node owns. An idle bucket is
 * full again after its period, so dropping it loses nothing; the bound on their number keeps a
 * flood of distinct keys from growing the heap.
 */
final class LocalBuckets implements BucketSource {
  private static final long MAX_BUCKETS = 200_000;
  private final Cache<String, Bucket> buckets;
  private final TimeMeter time;

  LocalBuckets(Clock clock, Duration longestPeriod) {
    this.time = BucketSource.timeOf(clock);
    this.buckets =
        Caffeine.newBuilder().maximumSize(MAX_BUCKETS).expireAfterAccess(longestPeriod).build();
  }

  @Override
  public Bucket bucket(String key, Limit limit) {
    return buckets.get(
        key,
        k ->
            Bucket.builder()
                .addLimit(BucketSource.bandwidth(limit))
                .withCustomTimePrecision(time)
                .build());
  }
}
