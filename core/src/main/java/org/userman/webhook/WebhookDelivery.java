package org.userman.webhook;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.userman.event.EventType;

/**
 * One event's delivery to one endpoint, as the delivery log shows it: no body beyond a short
 * excerpt of the last answer.
 *
 * @param responseStatus the HTTP status of the last answer, or null (none yet, or no answer)
 * @param latencyMillis how long the last attempt took, or null
 * @param lastError why the last attempt failed, or null
 * @param nextAttemptAt when it is tried next while pending, else null
 */
public record WebhookDelivery(
    String eventId,
    EventType eventType,
    Status status,
    int attempts,
    Integer responseStatus,
    Long latencyMillis,
    String responseExcerpt,
    String lastError,
    Instant nextAttemptAt,
    Instant createdAt,
    Instant deliveredAt) {

  public enum Status {
    PENDING,
    DELIVERED,
    FAILED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Status> parse(String s) {
      for (Status st : values()) {
        if (st.wire().equals(s)) {
          return Optional.of(st);
        }
      }
      return Optional.empty();
    }
  }
}
