package org.userman.session;

import java.time.Instant;
import java.util.List;

/**
 * One signed-in device. {@code amr} says how its user proved who they are (RFC 8176: {@code pwd},
 * and {@code otp} with {@code mfa} after a second factor), as the access tokens carry it.
 */
public record Session(
    String id,
    String userId,
    String device,
    String ip,
    String userAgent,
    Instant createdAt,
    Instant lastUsedAt,
    Instant expiresAt,
    List<String> amr) {
  public Session {
    amr = amr == null ? List.of() : List.copyOf(amr);
  }
}
