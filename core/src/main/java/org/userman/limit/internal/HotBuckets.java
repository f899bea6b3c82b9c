package org.userman.limit.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import java.time.Duration;
import org.userman.limit.Limit;

/**
 * Shared buckets that see many requests a second (API calls of one credential): concurrent requests
 * of one node to one bucket are merged into one locked write (Bucket4j's batching optimization), so
 * a busy credential costs a write per batch rather than per request, and the limit stays exact.
 * Each bucket keeps its own optimization state, so the proxies are cached.
 */
final class HotBuckets {
  /**
   * Shorter than any store keeps an idle bucket (Redis a minute after its last write, the database
   * a day): a cached proxy never outlives its bucket, which a batch could not recreate.
   */
  private static final Duration IDLE = Duration.ofSeconds(30);

  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(IDLE).build();

  Bucket bucket(ProxyManager<String> proxies, String key, Limit limit) {
    return buckets.get(
        key,
        k -> {
          // A batch is not an initializing command: a bucket that does not exist yet fails the
          // whole
          // batch (Bucket4j's BucketNotFoundException). One plain call creates it first.
          proxies.builder().build(k, () -> BucketSource.configuration(limit)).getAvailableTokens();
          return proxies
              .builder()
              .withOptimization(Optimizations.batching())
              .build(k, () -> BucketSource.configuration(limit));
        });
  }
}
