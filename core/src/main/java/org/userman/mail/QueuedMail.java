package org.userman.mail;

import java.time.Instant;

/** A queued mail as admins see it: never its bodies, which carry tokens. */
public record QueuedMail(
    String id,
    String to,
    String subject,
    Status status,
    int attempts,
    Instant createdAt,
    Instant nextAttemptAt,
    Instant sentAt,
    String lastError) {

  public enum Status {
    PENDING,
    SENT,
    FAILED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static java.util.Optional<Status> parse(String s) {
      for (Status st : values()) {
        if (st.wire().equals(s)) {
          return java.util.Optional.of(st);
        }
      }
      return java.util.Optional.empty();
    }
  }
}
