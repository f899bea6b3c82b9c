package org.userman.webhook.internal;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.crypto.internal.SecretBox;
import org.userman.internal.Backoff;
import org.userman.internal.PollingWorker;
import org.userman.metrics.Instrumentation;
import org.userman.store.internal.Database;
import org.userman.webhook.WebhookSettings;
import org.userman.webhook.Webhooks;

/**
 * Delivers queued webhook events, from any node. A node first takes an endpoint's lease (the update
 * of {@code lease_until} that only one node wins, as the mail queue claims a mail), then posts that
 * endpoint's due deliveries one at a time in the order of their events, and gives the lease back.
 * So each delivery goes out once in the steady state, an endpoint receives its events in order
 * while it answers, and a node that dies mid-round leaves the rest to whoever takes the lease when
 * it lapses: at least once (what it had sent but not yet marked goes out again). A failed delivery
 * is retried with exponential backoff and jitter until {@link Webhooks#RETRY_FOR} after it was
 * queued, and holds back the endpoint's later deliveries until it succeeds or is given up: an
 * endpoint receives its events in order, and one that is down is tried once per backoff, not once
 * per event. An endpoint that has failed for {@link Webhooks#RETRY_FOR} is disabled, and audited.
 */
public final class WebhookSender implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WebhookSender.class.getName());
  static final Backoff BACKOFF = new Backoff(Duration.ofMinutes(1), Duration.ofHours(8), 0.25);

  /** How long a node may deliver an endpoint's events before another may take over. */
  static final Duration LEASE = Duration.ofMinutes(5);

  private static final Duration POLL = Duration.ofSeconds(5);
  private static final int BATCH = 50;

  /**
   * Successes are marked in one transaction for up to this many (and before a failure is written,
   * and at the end of a round): fewer commits competing with the changes for the database's writer.
   * A node that dies loses at most these marks, and those deliveries go out again.
   */
  static final int MARK_EVERY = 20;

  private static final Actor SELF = new Actor(null, null, new ClientInfo(null, "userman webhooks"));

  private final Database db;
  private final SecretBox box;
  private final Clock clock;
  private final RandomGenerator random;
  private final AuditLogService audit;
  private final Outbound outbound;
  private final PollingWorker worker;
  private final Instrumentation instrumentation;

  /** Names this sender in the leases it holds, so that it renews and releases only its own. */
  private final String owner;

  /** Until when this sender holds the lease of the endpoint it is delivering. */
  private long leaseUntil;

  public WebhookSender(
      Database db,
      SecretBox box,
      Clock clock,
      RandomGenerator random,
      AuditLogService audit,
      WebhookSettings settings) {
    this(db, box, clock, random, audit, settings, Instrumentation.NONE);
  }

  public WebhookSender(
      Database db,
      SecretBox box,
      Clock clock,
      RandomGenerator random,
      AuditLogService audit,
      WebhookSettings settings,
      Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
    this.db = db;
    this.box = box;
    this.clock = clock;
    this.random = random;
    this.audit = audit;
    this.outbound = new Outbound(settings);
    this.worker = new PollingWorker("userman-webhooks", POLL, this::deliverDue);
    this.owner =
        HexFormat.of().toHexDigits(random.nextLong())
            + HexFormat.of().toHexDigits(random.nextLong());
  }

  public void start() {
    worker.start();
  }

  public void nudge() {
    worker.nudge();
  }

  /** One round: every endpoint with due deliveries whose lease this node wins. */
  public synchronized int deliverDue() {
    long now = clock.millis();
    List<String> endpoints =
        db.read(
            h ->
                h.createQuery(
                        "SELECT DISTINCT d.endpoint_id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id"
                            + " WHERE d.status = 'pending' AND d.next_attempt_at <= :now AND e.enabled = 1"
                            + " AND (e.lease_until IS NULL OR e.lease_until < :now)")
                    .bind("now", now)
                    .mapTo(String.class)
                    .list());
    int delivered = 0;
    for (String endpoint : endpoints) {
      if (claim(endpoint)) {
        try {
          delivered += deliverEndpoint(endpoint);
        } finally {
          release(endpoint);
        }
      }
    }
    return delivered;
  }

  /** Takes the endpoint's lease if no sender holds it, as of now (earlier endpoints took time). */
  private boolean claim(String endpoint) {
    long now = clock.millis();
    long until = now + LEASE.toMillis();
    boolean won =
        db.tx(
            h ->
                h.createUpdate(
                            "UPDATE webhook_endpoints SET lease_until = :until, lease_owner = :owner"
                                + " WHERE id = :id AND enabled = 1"
                                + " AND (lease_until IS NULL OR lease_until < :now)")
                        .bind("until", until)
                        .bind("owner", owner)
                        .bind("id", endpoint)
                        .bind("now", now)
                        .execute()
                    == 1);
    leaseUntil = until;
    return won;
  }

  /**
   * Whether this sender still holds the endpoint's lease, renewing it once half of it has passed: a
   * long run of deliveries (each may take the whole request timeout) keeps it, and a sender that
   * lost it (it stalled past its end and another took over) stops before sending again.
   */
  private boolean holdLease(String endpoint) {
    long now = clock.millis();
    if (now < leaseUntil - LEASE.toMillis() / 2) {
      return true;
    }
    long until = now + LEASE.toMillis();
    boolean held =
        db.tx(
            h ->
                h.createUpdate(
                            "UPDATE webhook_endpoints SET lease_until = :until"
                                + " WHERE id = :id AND lease_owner = :owner AND lease_until >= :now")
                        .bind("until", until)
                        .bind("id", endpoint)
                        .bind("owner", owner)
                        .bind("now", now)
                        .execute()
                    == 1);
    if (held) {
      leaseUntil = until;
    }
    return held;
  }

  /** Gives the lease back, if this sender still holds it. */
  private void release(String endpoint) {
    db.tx(
        h ->
            h.createUpdate(
                    "UPDATE webhook_endpoints SET lease_until = NULL, lease_owner = NULL"
                        + " WHERE id = :id AND lease_owner = :owner")
                .bind("id", endpoint)
                .bind("owner", owner)
                .execute());
  }

  private record Due(
      String eventId, int attempts, long nextAttemptAt, long giveUpAt, String payload) {}

  /**
   * Delivers the endpoint's pending events in order, up to the first failure or the first that is
   * not due (one waiting for its retry holds back the ones after it).
   */
  private int deliverEndpoint(String endpointId) {
    List<Done> done = new ArrayList<>();
    try {
      return deliverEndpoint(endpointId, done);
    } finally {
      mark(endpointId, done);
    }
  }

  private int deliverEndpoint(String endpointId, List<Done> done) {
    int delivered = 0;
    List<Due> due;
    do {
      long now = clock.millis();
      WebhookStore.Row endpoint = db.read(h -> WebhookStore.find(h, endpointId)).orElse(null);
      if (endpoint == null || !endpoint.webhook().enabled()) {
        return delivered;
      }
      List<String> secrets = new ArrayList<>();
      secrets.add(box.open(endpoint.secret(), WebhookService.context(endpointId)));
      if (endpoint.previousSecret() != null
          && endpoint.previousSecretUntil() != null
          && endpoint.previousSecretUntil() > now) {
        secrets.add(box.open(endpoint.previousSecret(), WebhookService.context(endpointId)));
      }
      due =
          db.read(
              h ->
                  h.createQuery(
                          "SELECT d.event_id, d.attempts, d.next_attempt_at, d.give_up_at, e.payload FROM webhook_deliveries d"
                              + " JOIN events e ON e.id = d.event_id WHERE d.endpoint_id = :endpoint"
                              + " AND d.status = 'pending' ORDER BY d.event_id LIMIT "
                              + BATCH)
                      .bind("endpoint", endpointId)
                      .map(
                          (rs, ctx) ->
                              new Due(
                                  rs.getString("event_id"),
                                  rs.getInt("attempts"),
                                  rs.getLong("next_attempt_at"),
                                  rs.getLong("give_up_at"),
                                  rs.getString("payload")))
                      .list());
      for (Due d : due) {
        if (d.nextAttemptAt() > now
            || !holdLease(endpointId)
            || !attempt(endpoint, secrets, d, done)) {
          return delivered;
        }
        delivered++;
      }
    } while (due.size() == BATCH);
    return delivered;
  }

  /** A delivery that succeeded and is not yet marked so. */
  private record Done(String eventId, long at, int status, long latency, String excerpt) {}

  /** Marks the deliveries in {@code done} delivered, in one transaction, and empties it. */
  private void mark(String endpointId, List<Done> done) {
    if (done.isEmpty()) {
      return;
    }
    db.tx(
        h -> {
          PreparedBatch batch =
              h.prepareBatch(
                  "UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_attempt_at = :now,"
                      + " response_status = :code, latency_ms = :latency, response_excerpt = :excerpt, last_error = NULL,"
                      + " delivered_at = :now WHERE endpoint_id = :endpoint AND event_id = :event");
          for (Done d : done) {
            batch
                .bind("now", d.at())
                .bind("code", d.status())
                .bind("latency", d.latency())
                .bind("excerpt", d.excerpt())
                .bind("endpoint", endpointId)
                .bind("event", d.eventId())
                .add();
          }
          batch.execute();
          h.createUpdate(
                  "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = :id AND failing_since IS NOT NULL")
              .bind("id", endpointId)
              .execute();
          return null;
        });
    done.clear();
  }

  private boolean attempt(WebhookStore.Row endpoint, List<String> secrets, Due d, List<Done> done) {
    long start = clock.millis();
    long timestamp = start / 1000;
    List<String> headers =
        List.of(
            "webhook-id",
            d.eventId(),
            "webhook-timestamp",
            Long.toString(timestamp),
            "webhook-signature",
            Signer.header(secrets, d.eventId(), timestamp, d.payload()));
    Outbound.Result r = outbound.post(URI.create(endpoint.webhook().url()), headers, d.payload());
    long now = clock.millis();
    long latency = now - start;
    String endpointId = endpoint.webhook().id();
    if (r.delivered()) {
      done.add(new Done(d.eventId(), now, r.status(), latency, r.excerpt()));
      if (done.size() >= MARK_EVERY) {
        mark(endpointId, done);
      }
      return true;
    }
    mark(endpointId, done);
    int attempts = d.attempts() + 1;
    boolean giveUp = now >= d.giveUpAt();
    instrumentation.deliveryFailed(Instrumentation.Queue.WEBHOOK, giveUp);
    String error =
        r.error() != null
            ? r.error()
            : "answered "
                + r.status()
                + (r.status() / 100 == 3 ? " (redirects are not followed)" : "");
    LOG.log(
        System.Logger.Level.WARNING,
        (giveUp ? "gave up on " : "will retry ")
            + "webhook delivery of "
            + d.eventId()
            + " to endpoint "
            + endpointId
            + ": "
            + error);
    db.tx(
        h -> {
          h.createUpdate(
                  "UPDATE webhook_deliveries SET status = :status, attempts = :attempts, last_attempt_at = :now,"
                      + " response_status = :code, latency_ms = :latency, response_excerpt = :excerpt, last_error = :error,"
                      + " next_attempt_at = :next WHERE endpoint_id = :endpoint AND event_id = :event")
              .bind("status", giveUp ? "failed" : "pending")
              .bind("attempts", attempts)
              .bind("now", now)
              .bind("code", r.status() == 0 ? null : r.status())
              .bind("latency", latency)
              .bind("excerpt", r.excerpt())
              .bind("error", error.length() > 500 ? error.substring(0, 500) : error)
              .bind("next", now + BACKOFF.after(attempts, random).toMillis())
              .bind("endpoint", endpointId)
              .bind("event", d.eventId())
              .execute();
          h.createUpdate(
                  "UPDATE webhook_endpoints SET failing_since = :now WHERE id = :id AND failing_since IS NULL")
              .bind("now", now)
              .bind("id", endpointId)
              .execute();
          int disabled =
              h.createUpdate(
                      "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = :reason, updated_at = :now"
                          + " WHERE id = :id AND enabled = 1 AND failing_since <= :since")
                  .bind(
                      "reason",
                      "failed for " + Webhooks.RETRY_FOR.toDays() + " days: " + trim(error))
                  .bind("now", now)
                  .bind("id", endpointId)
                  .bind("since", now - Webhooks.RETRY_FOR.toMillis())
                  .execute();
          if (disabled == 1) {
            LOG.log(
                System.Logger.Level.WARNING,
                "disabled webhook endpoint " + endpointId + ": it failed for too long");
            audit.record(
                h,
                AuditType.WEBHOOK_DISABLED,
                SELF,
                null,
                Map.of("webhook_id", endpointId, "reason", trim(error)));
          }
          return null;
        });
    return false;
  }

  private static String trim(String s) {
    return s.length() > 200 ? s.substring(0, 200) : s;
  }

  @Override
  public void close() {
    worker.close();
    outbound.close();
  }
}
