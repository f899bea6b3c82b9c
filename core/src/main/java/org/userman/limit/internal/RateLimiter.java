package org.userman.limit.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Supplier;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.crypto.internal.SecretBox;
import org.userman.limit.Limit;
import org.userman.limit.LimitRule;
import org.userman.limit.LimitSettings;
import org.userman.limit.RateLimitedException;
import org.userman.metrics.Instrumentation;
import org.userman.store.Dialect;
import org.userman.store.internal.Database;

/**
 * Applies the {@link LimitRule}s. Keys (an address, an email, a session) become bucket ids through
 * a hash keyed with the encryption key, so the bucket table (or Redis) holds none of them, and
 * whoever reads it cannot test a guessed address against it either. A refusal is audited once per
 * key and period on each node, so a flood does not become a flood of audit writes.
 */
public final class RateLimiter implements AutoCloseable {
  private final LimitSettings settings;
  private final BucketSource buckets;
  private final AuditLogService audit;
  private final Cache<String, Boolean> audited;
  private final SecretBox bucketIds;
  private final Instrumentation instrumentation;

  RateLimiter(
      LimitSettings settings,
      BucketSource buckets,
      AuditLogService audit,
      SecretBox bucketIds,
      Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
    this.settings = settings;
    this.buckets = buckets;
    this.audit = audit;
    this.bucketIds = bucketIds;
    this.audited =
        Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(longestPeriod(settings)).build();
  }

  /**
   * Buckets in Redis when one is configured, else in memory on the embedded database (one node owns
   * it), else in the shared database.
   */
  public static RateLimiter open(
      LimitSettings settings,
      Database db,
      Clock clock,
      AuditLogService audit,
      Duration timeout,
      SecretBox bucketIds) {
    return open(settings, db, clock, audit, timeout, bucketIds, Instrumentation.NONE);
  }

  /** As {@link #open}, telling {@code instrumentation} of each refusal. */
  public static RateLimiter open(
      LimitSettings settings,
      Database db,
      Clock clock,
      AuditLogService audit,
      Duration timeout,
      SecretBox bucketIds,
      Instrumentation instrumentation) {
    BucketSource source =
        settings.redisUrl() != null
            ? new RedisBuckets(settings.redisUrl(), settings.redisPrefix(), clock, timeout)
            : db.dialect() == Dialect.SQLITE
                ? new LocalBuckets(clock, longestPeriod(settings))
                : new SqlBuckets(db, clock);
    return new RateLimiter(settings, source, audit, bucketIds, instrumentation);
  }

  /**
   * Takes one from {@code rule}'s bucket for {@code key}; {@link RateLimitedException} when empty.
   * Returns how many are left after it (0: this was the last), or -1 when limits are off.
   */
  public long consume(LimitRule rule, String key, Actor actor, String subjectId) {
    if (!settings.enabled() || key == null) {
      return -1;
    }
    ConsumptionProbe probe = call(() -> bucket(rule, key).tryConsumeAndReturnRemaining(1));
    if (!probe.isConsumed()) {
      throw refuse(rule, key, actor, subjectId, probe.getNanosToWaitForRefill());
    }
    return probe.getRemainingTokens();
  }

  /**
   * Gives back one taken by {@link #consume} for an attempt that turned out not to count (a right
   * password); never above the bucket's capacity.
   */
  public void refund(LimitRule rule, String key) {
    if (settings.enabled() && key != null) {
      call(
          () -> {
            bucket(rule, key).addTokens(1);
            return null;
          });
    }
  }

  /**
   * True the first time {@code what} is asked for {@code key} in {@code period}, false after that
   * until the period has passed: on every node that shares the buckets, so a notice goes out once.
   * Limits switched off do not switch this off.
   */
  public boolean firstIn(String what, String key, Duration period) {
    return call(
        () ->
            buckets
                .bucket("once:" + what + ":" + bucketIds.keyedHash(key), new Limit(1, period))
                .tryConsume(1));
  }

  /** Removes buckets idle long enough to be full again. */
  public int prune() {
    return buckets.prune();
  }

  @Override
  public void close() {
    buckets.close();
  }

  private Bucket bucket(LimitRule rule, String key) {
    String id = rule.code() + ":" + bucketIds.keyedHash(rule.code() + ":" + key);
    // the rules that every authenticated call or every token grant takes from
    return rule == LimitRule.API_PER_CREDENTIAL || rule == LimitRule.OAUTH_PER_IP
        ? buckets.hotBucket(id, settings.of(rule))
        : buckets.bucket(id, settings.of(rule));
  }

  private RateLimitedException refuse(
      LimitRule rule, String key, Actor actor, String subjectId, long nanosToWait) {
    instrumentation.rateLimited(rule);
    if (audited.asMap().putIfAbsent(rule.code() + ":" + key, Boolean.TRUE) == null) {
      audit.recordFailure(AuditType.RATE_LIMITED, actor, subjectId, Map.of("rule", rule.code()));
    }
    return new RateLimitedException(Duration.ofNanos(nanosToWait));
  }

  /** Bucket4j wraps the store's failures; an outage becomes {@code unavailable} like any other. */
  private <T> T call(Supplier<T> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      throw buckets.translate(e);
    }
  }

  private static Duration longestPeriod(LimitSettings settings) {
    return settings.limits().values().stream()
        .map(Limit::period)
        .max(Comparator.naturalOrder())
        .orElseThrow();
  }
}
