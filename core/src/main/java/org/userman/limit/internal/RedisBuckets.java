package org.userman.limit.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Clock;
import java.time.Duration;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.limit.Limit;

/**
 * Buckets in Redis (USERMAN_REDIS_URL), shared by every node, through Bucket4j's compare-and-swap
 * proxy on Lettuce. Redis expires each bucket once it is full again, so nothing needs pruning.
 */
final class RedisBuckets implements BucketSource {
  /** How long a full bucket stays, so a burst right after refilling still finds it. */
  private static final Duration KEEP_FULL = Duration.ofMinutes(1);

  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final LettuceBasedProxyManager<String> buckets;
  private final String prefix;
  private final HotBuckets hot = new HotBuckets();

  RedisBuckets(String url, String prefix, Clock clock, Duration timeout) {
    this.prefix = prefix;
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(timeout);
    this.client = RedisClient.create(uri);
    try {
      this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    } catch (RedisException e) {
      client.shutdown();
      throw new UsermanException(
          ErrorCode.UNAVAILABLE, "cannot reach Redis for the rate limits: " + e.getMessage());
    }
    this.buckets =
        Bucket4jLettuce.casBasedBuilder(connection)
            .clientClock(BucketSource.timeOf(clock))
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_FULL))
            .build();
  }

  @Override
  public BucketProxy bucket(String key, Limit limit) {
    return buckets.builder().build(prefix + key, () -> BucketSource.configuration(limit));
  }

  @Override
  public Bucket hotBucket(String key, Limit limit) {
    return hot.bucket(buckets, prefix + key, limit);
  }

  @Override
  public RuntimeException translate(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RedisException) {
        return new UsermanException(ErrorCode.UNAVAILABLE, "Redis is unavailable.");
      }
    }
    return e;
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
