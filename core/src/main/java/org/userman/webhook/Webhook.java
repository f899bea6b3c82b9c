package org.userman.webhook;

import java.time.Instant;
import java.util.List;
import org.userman.event.EventType;

/**
 * A registered webhook endpoint, as admins see it: never its secret.
 *
 * @param events the types it receives; empty for all
 * @param disabledReason why Userman disabled it (it failed too long), or null
 * @param failingSince when its deliveries began to fail, or null while they succeed
 * @param previousSecretUntil while a rotated-out secret still signs too, until when; else null
 */
public record Webhook(
    String id,
    String url,
    String description,
    List<EventType> events,
    boolean enabled,
    String disabledReason,
    Instant failingSince,
    Instant previousSecretUntil,
    Instant createdAt,
    Instant updatedAt) {
  public Webhook {
    events = List.copyOf(events);
  }

  public boolean receives(EventType type) {
    return events.isEmpty() || events.contains(type);
  }
}
