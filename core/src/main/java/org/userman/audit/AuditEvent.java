package org.userman.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One recorded account event. {@code actorId} did it to {@code subjectId} (either may be null: an
 * anonymous client, an unknown account); {@code details} never hold a secret.
 */
public record AuditEvent(
    String id,
    AuditType type,
    Instant at,
    String actorId,
    String subjectId,
    String ip,
    String userAgent,
    boolean success,
    Map<String, String> details) {
  public AuditEvent {
    details = Map.copyOf(details);
  }

  public String outcome() {
    return success ? "success" : "failure";
  }
}
