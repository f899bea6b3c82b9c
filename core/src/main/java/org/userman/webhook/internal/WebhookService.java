package org.userman.webhook.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.Backlog;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.Identifiers;
import org.userman.common.Page;
import org.userman.common.Text;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.crypto.internal.SecretBox;
import org.userman.event.EventType;
import org.userman.internal.Ids;
import org.userman.internal.Secrets;
import org.userman.store.internal.Backlogs;
import org.userman.store.internal.Database;
import org.userman.webhook.CreatedWebhook;
import org.userman.webhook.NewWebhook;
import org.userman.webhook.Webhook;
import org.userman.webhook.WebhookDelivery;
import org.userman.webhook.WebhookPatch;
import org.userman.webhook.WebhookSettings;
import org.userman.webhook.Webhooks;

/**
 * Admins' webhook endpoints and their delivery logs; {@link WebhookQueue} queues the events for
 * them and {@link WebhookSender} delivers.
 */
public final class WebhookService implements Webhooks {
  static final int MAX_DESCRIPTION = 500;
  private static final Duration MAX_OVERLAP = Duration.ofDays(30);

  /** How long events and the delivery log are kept. */
  public static final Duration KEEP = Duration.ofDays(30);

  private final Database db;
  private final SecretBox box;
  private final Secrets secrets;
  private final Ids ids;
  private final Clock clock;
  private final AuditLogService audit;
  private final WebhookSettings settings;
  private final WebhookSender sender;

  public WebhookService(
      Database db,
      SecretBox box,
      Secrets secrets,
      Ids ids,
      Clock clock,
      AuditLogService audit,
      WebhookSettings settings,
      WebhookSender sender) {
    this.db = db;
    this.box = box;
    this.secrets = secrets;
    this.ids = ids;
    this.clock = clock;
    this.audit = audit;
    this.settings = settings;
    this.sender = sender;
  }

  @Override
  public CreatedWebhook create(NewWebhook n, Actor actor) {
    List<FieldError> errors = new ArrayList<>();
    if (n.url() == null) {
      errors.add(FieldError.required("url"));
    } else {
      checkUrl(errors, n.url());
    }
    List<EventType> types = types(errors, n.events());
    checkDescription(errors, n.description());
    ValidationException.throwIfAny(errors);
    String id = ids.next();
    String secret = Signer.newSecret(secrets.randomBytes(Signer.SECRET_BYTES));
    Instant now = clock.instant();
    Webhook webhook =
        new Webhook(
            id,
            n.url(),
            n.description() == null ? "" : n.description(),
            types,
            n.enabled() == null || n.enabled(),
            null,
            null,
            null,
            now,
            now);
    db.tx(
        h -> {
          h.createUpdate(
                  "INSERT INTO webhook_endpoints (id, url, description, event_filter, enabled, secret, created_at, updated_at)"
                      + " VALUES (:id, :url, :description, :filter, :enabled, :secret, :now, :now)")
              .bind("id", id)
              .bind("url", webhook.url())
              .bind("description", webhook.description())
              .bind("filter", WebhookStore.filter(types))
              .bind("enabled", webhook.enabled() ? 1 : 0)
              .bind("secret", box.seal(secret, context(id)))
              .bind("now", now.toEpochMilli())
              .execute();
          audit.record(h, AuditType.WEBHOOK_CREATED, actor, null, details(webhook));
          return null;
        });
    return new CreatedWebhook(webhook, secret);
  }

  @Override
  public Page<Webhook> list(int limit, String afterId) {
    return db.read(
        h ->
            Page.of(
                h.createQuery(
                        "SELECT "
                            + WebhookStore.COLUMNS
                            + " FROM webhook_endpoints"
                            + (afterId == null ? "" : " WHERE id > :after")
                            + " ORDER BY id LIMIT :limit")
                    .bind("after", afterId)
                    .bind("limit", limit + 1)
                    .map((rs, ctx) -> WebhookStore.row(rs).webhook())
                    .list(),
                limit,
                Webhook::id));
  }

  @Override
  public Webhook get(String id) {
    return db.read(h -> row(h, id)).webhook();
  }

  private static WebhookStore.Row row(Handle h, String id) {
    return (Identifiers.looksLikeId(id)
            ? WebhookStore.find(h, id)
            : java.util.Optional.<WebhookStore.Row>empty())
        .orElseThrow(() -> new UsermanException(ErrorCode.NOT_FOUND, "No such webhook."));
  }

  @Override
  public Webhook update(String id, WebhookPatch p, Actor actor) {
    List<FieldError> errors = new ArrayList<>();
    if (p.url() != null) {
      checkUrl(errors, p.url());
    }
    List<EventType> types = p.events() == null ? null : types(errors, p.events());
    checkDescription(errors, p.description());
    ValidationException.throwIfAny(errors);
    return db.tx(
        h -> {
          Webhook cur = row(h, id).webhook();
          boolean enabling = Boolean.TRUE.equals(p.enabled()) && !cur.enabled();
          Webhook next =
              new Webhook(
                  id,
                  p.url() != null ? p.url() : cur.url(),
                  p.description() != null ? p.description() : cur.description(),
                  types != null ? types : cur.events(),
                  p.enabled() != null ? p.enabled() : cur.enabled(),
                  enabling ? null : cur.disabledReason(),
                  enabling ? null : cur.failingSince(),
                  cur.previousSecretUntil(),
                  cur.createdAt(),
                  clock.instant());
          h.createUpdate(
                  "UPDATE webhook_endpoints SET url = :url, description = :description, event_filter = :filter,"
                      + " enabled = :enabled, disabled_reason = :reason, failing_since = :failing, updated_at = :now WHERE id = :id")
              .bind("url", next.url())
              .bind("description", next.description())
              .bind("filter", WebhookStore.filter(next.events()))
              .bind("enabled", next.enabled() ? 1 : 0)
              .bind("reason", next.disabledReason())
              .bind(
                  "failing",
                  next.failingSince() == null ? null : next.failingSince().toEpochMilli())
              .bind("now", next.updatedAt().toEpochMilli())
              .bind("id", id)
              .execute();
          audit.record(h, AuditType.WEBHOOK_UPDATED, actor, null, details(next));
          if (enabling) {
            h.afterCommit(sender::nudge);
          }
          return next;
        });
  }

  @Override
  public void delete(String id, Actor actor) {
    db.tx(
        h -> {
          Webhook cur = row(h, id).webhook();
          h.createUpdate("DELETE FROM webhook_deliveries WHERE endpoint_id = :id")
              .bind("id", id)
              .execute();
          h.createUpdate("DELETE FROM webhook_endpoints WHERE id = :id").bind("id", id).execute();
          audit.record(h, AuditType.WEBHOOK_DELETED, actor, null, details(cur));
          return null;
        });
  }

  @Override
  public CreatedWebhook rotateSecret(String id, Duration overlap, Actor actor) {
    if (overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
      throw new ValidationException(
          List.of(
              FieldError.invalidFormat(
                  "overlap_seconds", "between 0 and " + MAX_OVERLAP.toSeconds() + " seconds")));
    }
    String secret = Signer.newSecret(secrets.randomBytes(Signer.SECRET_BYTES));
    return db.tx(
        h -> {
          WebhookStore.Row cur = row(h, id);
          Instant now = clock.instant();
          boolean keep = !overlap.isZero();
          h.createUpdate(
                  "UPDATE webhook_endpoints SET secret = :secret, previous_secret = :previous,"
                      + " previous_secret_until = :until, updated_at = :now WHERE id = :id")
              .bind("secret", box.seal(secret, context(id)))
              .bind("previous", keep ? cur.secret() : null)
              .bind("until", keep ? now.plus(overlap).toEpochMilli() : null)
              .bind("now", now.toEpochMilli())
              .bind("id", id)
              .execute();
          Map<String, String> details = details(cur.webhook());
          details.put("overlap_seconds", Long.toString(overlap.toSeconds()));
          audit.record(h, AuditType.WEBHOOK_SECRET_ROTATED, actor, null, details);
          return new CreatedWebhook(row(h, id).webhook(), secret);
        });
  }

  @Override
  public Page<WebhookDelivery> deliveries(String id, int limit, String beforeEventId) {
    return db.read(
        h -> {
          row(h, id);
          return Page.of(
              h.createQuery(
                      WebhookStore.DELIVERIES
                          + " WHERE d.endpoint_id = :endpoint"
                          + (beforeEventId == null ? "" : " AND d.event_id < :before")
                          + " ORDER BY d.event_id DESC LIMIT :limit")
                  .bind("endpoint", id)
                  .bind("before", beforeEventId)
                  .bind("limit", limit + 1)
                  .map((rs, ctx) -> WebhookStore.delivery(rs))
                  .list(),
              limit,
              WebhookDelivery::eventId);
        });
  }

  @Override
  public WebhookDelivery redeliver(String id, String eventId, Actor actor) {
    WebhookDelivery d =
        db.tx(
            h -> {
              Webhook w = row(h, id).webhook();
              long now = clock.millis();
              int n =
                  h.createUpdate(
                          "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = :now, give_up_at = :giveUp"
                              + " WHERE endpoint_id = :endpoint AND event_id = :event")
                      .bind("now", now)
                      .bind("giveUp", now + RETRY_FOR.toMillis())
                      .bind("endpoint", id)
                      .bind("event", eventId)
                      .execute();
              if (n == 0) {
                throw new UsermanException(ErrorCode.NOT_FOUND, "No such delivery.");
              }
              Map<String, String> details = details(w);
              details.put("event_id", eventId);
              audit.record(h, AuditType.WEBHOOK_REDELIVERED, actor, null, details);
              return WebhookStore.delivery(h, id, eventId).orElseThrow();
            });
    sender.nudge();
    return d;
  }

  /**
   * Deletes the finished deliveries (delivered or given up) queued more than {@link #KEEP} ago, and
   * the events that old which no pending delivery still needs; returns how many rows went.
   */
  public int prune() {
    long cutoff = clock.instant().minus(KEEP).toEpochMilli();
    return db.tx(
        h ->
            h.createUpdate(
                        "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < :cutoff")
                    .bind("cutoff", cutoff)
                    .execute()
                + h.createUpdate(
                        "DELETE FROM events WHERE created_at < :cutoff AND NOT EXISTS"
                            + " (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = events.id)")
                    .bind("cutoff", cutoff)
                    .execute());
  }

  @Override
  public int deliverDue() {
    return sender.deliverDue();
  }

  @Override
  public Backlog backlog() {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT COUNT(*) AS pending, MIN(d.created_at) AS oldest FROM webhook_deliveries d"
                        + " JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.status = 'pending' AND e.enabled = 1")
                .map((rs, ctx) -> Backlogs.read(rs))
                .one());
  }

  private void checkUrl(List<FieldError> errors, String url) {
    Targets.checkUrl(url, settings.allowPrivateTargets())
        .ifPresent(why -> errors.add(FieldError.invalidFormat("url", why)));
  }

  private static List<EventType> types(List<FieldError> errors, List<String> codes) {
    Set<EventType> out = new LinkedHashSet<>();
    if (codes != null) {
      for (String code : codes) {
        EventType.fromCode(code)
            .ifPresentOrElse(
                out::add,
                () ->
                    errors.add(
                        FieldError.invalidFormat(
                            "events", "unknown event type; see docs/webhooks.md")));
      }
    }
    return List.copyOf(out);
  }

  private static void checkDescription(List<FieldError> errors, String description) {
    if (description == null) {
      return;
    }
    if (description.length() > MAX_DESCRIPTION) {
      errors.add(FieldError.tooLong("description", MAX_DESCRIPTION));
    } else if (Text.hasControlCharacters(description)) {
      errors.add(FieldError.invalidFormat("description", "no control characters"));
    }
  }

  static String context(String id) {
    return "webhook-secret:" + id;
  }

  private static Map<String, String> details(Webhook w) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("webhook_id", w.id());
    // the host only: a URL's path or query may carry a receiver's own secret
    d.put("host", String.valueOf(java.net.URI.create(w.url()).getHost()));
    d.put("enabled", Boolean.toString(w.enabled()));
    return d;
  }
}
