package org.userman.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One event, as listeners and webhooks receive it. {@code data} holds ids, the names of changed
 * fields and the actor, never a password, hash, token or key; {@code payload} is the event as the
 * JSON document webhooks send ({@code {"id", "type", "timestamp", "data"}}, see docs/webhooks.md).
 *
 * @param id time-ordered and unique; the {@code webhook-id} of its deliveries
 * @param userId the user the event is about
 * @param actorId who made the change (null for the command line or an anonymous caller)
 */
public record Event(
    String id,
    EventType type,
    Instant occurredAt,
    String userId,
    String actorId,
    Map<String, Object> data,
    String payload) {
  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(payload, "payload");
    data = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
  }
}
