package org.userman.limit.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.userman.Userman;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.crypto.EncryptionKey;
import org.userman.crypto.internal.SecretBox;
import org.userman.internal.Ids;
import org.userman.internal.ManualTicker;
import org.userman.limit.Limit;
import org.userman.limit.LimitRule;
import org.userman.limit.LimitSettings;
import org.userman.store.internal.Database;
import org.userman.store.internal.FreshDatabase;
import org.userman.testkit.MutableClock;

/** The rate limiter straight, on the buckets of each database (in memory on SQLite). */
class RateLimiterTest {

  @Test
  void the_first_calls_of_a_new_credential_may_all_arrive_at_once() throws Exception {
    // Straight at the limiter, so that the first uses of a bucket really do overlap: a shared
    // bucket that did not exist yet once failed a whole batch of first calls.
    Clock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    LimitSettings limits =
        new LimitSettings(
            true,
            Map.of(LimitRule.API_PER_CREDENTIAL, new Limit(100_000, Duration.ofMinutes(1))),
            null,
            "userman:");
    try (FreshDatabase fresh = FreshDatabase.create();
        Database db = Database.open(fresh.settings(), ManualTicker.frozen());
        RateLimiter limiter =
            RateLimiter.open(
                limits,
                db,
                clock,
                new AuditLogService(
                    db,
                    Userman.jsonMapper(),
                    new Ids(clock, new SecureRandom()),
                    clock,
                    Duration.ofDays(180),
                    AuditLogService.Follower.NONE),
                Duration.ofSeconds(5),
                new SecretBox(
                    EncryptionKey.generate(new SecureRandom()), "test", new SecureRandom()))) {
      Actor actor = Actor.anonymous(new ClientInfo("127.0.0.1", "test"));
      for (int round = 0; round < 20; round++) {
        String credential = "session:" + UUID.randomUUID();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
          List<Future<?>> calls = new ArrayList<>();
          for (int i = 0; i < 32; i++) {
            calls.add(
                pool.submit(
                    () -> {
                      start.await();
                      limiter.consume(LimitRule.API_PER_CREDENTIAL, credential, actor, null);
                      return null;
                    }));
          }
          start.countDown();
          for (Future<?> call : calls) {
            call.get();
          }
        }
      }
    }
  }
}
