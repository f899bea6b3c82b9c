package org.userman.webhook.internal;

import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.userman.event.Event;
import org.userman.event.EventType;
import org.userman.event.internal.EventOutbox;
import org.userman.store.internal.Writes;
import org.userman.webhook.Webhooks;

/**
 * Queues each event for the enabled endpoints that receive its type, in the transaction that writes
 * the event, with one statement (an import's batch: one lookup of the endpoints per type, and one
 * batch of rows); after the commit the sender is asked to look.
 */
public final class WebhookQueue implements EventOutbox.Sink {
  /** An endpoint whose filter takes every type, or lists the one bound as {@code :pattern}. */
  private static final String RECEIVES = "(event_filter = '*' OR event_filter LIKE :pattern)";

  private final Clock clock;
  private final Runnable nudge;

  public WebhookQueue(Clock clock, Runnable nudge) {
    this.clock = clock;
    this.nudge = nudge;
  }

  @Override
  public void written(Handle h, List<Event> events) {
    long now = clock.millis();
    if (events.size() == 1) {
      // the count comes once the write is sent, which a batched transaction does at its end
      queueOne(h, events.getFirst(), now)
          .execute(
              queued -> {
                if (queued > 0) {
                  h.afterCommit(nudge);
                }
              });
    } else if (queueAll(h, events, now) > 0) {
      h.afterCommit(nudge);
    }
  }

  private static Writes.Write queueOne(Handle h, Event event, long now) {
    return Writes.update(
            h,
            "INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts, next_attempt_at, give_up_at, created_at)"
                + " SELECT id, :event, 'pending', 0, :now, :giveUp, :now FROM webhook_endpoints"
                + " WHERE enabled = 1 AND "
                + RECEIVES)
        .bind("event", event.id())
        .bind("now", now)
        .bind("giveUp", now + Webhooks.RETRY_FOR.toMillis())
        .bind("pattern", pattern(event.type()));
  }

  /** An import's batch: the endpoints looked up once a type, the deliveries in one batch. */
  private static int queueAll(Handle h, List<Event> events, long now) {
    Map<EventType, List<String>> receivers = new EnumMap<>(EventType.class);
    PreparedBatch insert =
        h.prepareBatch(
            "INSERT INTO webhook_deliveries (endpoint_id, event_id, status, attempts, next_attempt_at, give_up_at, created_at)"
                + " VALUES (:endpoint, :event, 'pending', 0, :now, :giveUp, :now)");
    int queued = 0;
    for (Event event : events) {
      List<String> endpoints =
          receivers.computeIfAbsent(
              event.type(),
              type ->
                  h.createQuery(
                          "SELECT id FROM webhook_endpoints WHERE enabled = 1 AND " + RECEIVES)
                      .bind("pattern", pattern(type))
                      .mapTo(String.class)
                      .list());
      for (String endpoint : endpoints) {
        insert
            .bind("endpoint", endpoint)
            .bind("event", event.id())
            .bind("now", now)
            .bind("giveUp", now + Webhooks.RETRY_FOR.toMillis())
            .add();
        queued++;
      }
    }
    if (queued > 0) {
      insert.execute();
    }
    return queued;
  }

  private static String pattern(EventType type) {
    return "%," + type.code() + ",%";
  }
}
