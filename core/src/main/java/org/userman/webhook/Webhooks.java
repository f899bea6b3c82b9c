package org.userman.webhook;

import java.time.Duration;
import org.userman.common.Actor;
import org.userman.common.Backlog;
import org.userman.common.Page;

/**
 * Webhook endpoints and their deliveries (docs/webhooks.md). Every event of a type an endpoint
 * receives is queued for it in the transaction of the change, and delivered at least once by
 * whichever node holds the endpoint's lease, signed as the Standard Webhooks specification says.
 */
public interface Webhooks {
  /** How long a rotated-out secret keeps signing when no overlap is given. */
  Duration DEFAULT_OVERLAP = Duration.ofHours(24);

  /** How long a delivery is retried, and an endpoint may fail before it is disabled. */
  Duration RETRY_FOR = Duration.ofDays(3);

  CreatedWebhook create(NewWebhook webhook, Actor actor);

  /** Oldest first. */
  Page<Webhook> list(int limit, String afterId);

  Webhook get(String id);

  Webhook update(String id, WebhookPatch patch, Actor actor);

  void delete(String id, Actor actor);

  /**
   * A new secret, shown this once; the old one keeps signing too (a second signature) for {@code
   * overlap}, so receivers can switch without losing a delivery. Zero ends the old one at once.
   */
  CreatedWebhook rotateSecret(String id, Duration overlap, Actor actor);

  /** The endpoint's delivery log, newest first. */
  Page<WebhookDelivery> deliveries(String id, int limit, String beforeEventId);

  /** Queues the delivery again, due now, with a fresh retry period. */
  WebhookDelivery redeliver(String id, String eventId, Actor actor);

  /** Delivers what is due now, here; returns how many deliveries succeeded. */
  int deliverDue();

  /**
   * The deliveries to enabled endpoints waiting to go out (due now or to be retried), and when the
   * oldest was queued.
   */
  Backlog backlog();
}
