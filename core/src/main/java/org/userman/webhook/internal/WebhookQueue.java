package org.userman.webhook.internal;

import java.time.Clock;
import org.jdbi.v3.core.Handle;
import org.userman.event.Event;
import org.userman.event.internal.EventOutbox;
import org.userman.webhook.Webhooks;

/**
 * Queues each event for the enabled endpoints that receive its type, in the transaction that writes
 * the event, with one statement (none when no endpoint is registered); after the commit the sender
 * is asked to look.
 */
public final class WebhookQueue implements EventOutbox.Sink {
  private final Clock clock;
  private final Runnable nudge;

  public WebhookQueue(Clock clock, Runnable nudge) {
    this.clock = clock;
    this.nudge = nudge;
  }

  @Override
  public void written(Handle h, Event event) {
    long now = clock.millis();
    int queued =
        h.createUpdate(
                "INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts, next_attempt_at, give_up_at, created_at)"
                    + " SELECT id, :event, 'pending', 0, :now, :giveUp, :now FROM webhook_endpoints"
                    + " WHERE enabled = 1 AND (event_filter = '*' OR event_filter LIKE :pattern)")
            .bind("event", event.id())
            .bind("now", now)
            .bind("giveUp", now + Webhooks.RETRY_FOR.toMillis())
            .bind("pattern", "%," + event.type().code() + ",%")
            .execute();
    if (queued > 0) {
      h.afterCommit(nudge);
    }
  }
}
