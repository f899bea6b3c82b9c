package org.userman;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.userman.audit.internal.AuditLogService;
import org.userman.limit.internal.RateLimiter;
import org.userman.mfa.internal.PasskeyService;
import org.userman.session.internal.SessionService;
import org.userman.webhook.internal.WebhookService;

/**
 * Background chores of a serving node: pruning audit events past their retention, rate-limit
 * buckets idle long enough to be full again, sign-ins that waited for a second factor until they
 * expired, and events and webhook deliveries past a month. Every node runs them; they are
 * idempotent deletes, so several nodes on one database do no harm.
 */
final class Housekeeping implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Housekeeping.class.getName());
  private static final Duration FIRST_RUN = Duration.ofMinutes(1);
  private static final Duration EVERY = Duration.ofHours(6);
  private final ScheduledExecutorService timer;

  Housekeeping(
      AuditLogService audit,
      RateLimiter limiter,
      SessionService sessions,
      PasskeyService passkeys,
      WebhookService webhooks) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "userman-housekeeping");
              t.setDaemon(true);
              return t;
            });
    // prune() catches what it throws, so the schedule never ends on its own; close() ends it
    var unused =
        timer.scheduleWithFixedDelay(
            () -> prune(audit, limiter, sessions, passkeys, webhooks),
            FIRST_RUN.toSeconds(),
            EVERY.toSeconds(),
            TimeUnit.SECONDS);
  }

  private static void prune(
      AuditLogService audit,
      RateLimiter limiter,
      SessionService sessions,
      PasskeyService passkeys,
      WebhookService webhooks) {
    try {
      limiter.prune();
      sessions.pruneChallenges();
      passkeys.pruneChallenges();
      webhooks.prune();
      int n = audit.prune();
      if (n > 0) {
        LOG.log(
            System.Logger.Level.INFO,
            "pruned " + n + " audit events older than " + audit.retention().toDays() + " days");
      }
    } catch (RuntimeException e) {
      // the database may be away for a while; the next run tries again
      LOG.log(
          System.Logger.Level.WARNING,
          "pruning audit events, rate-limit buckets or sign-in challenges failed: "
              + e.getMessage());
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
