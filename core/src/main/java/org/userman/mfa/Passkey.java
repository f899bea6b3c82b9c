package org.userman.mfa;

import java.time.Instant;
import java.util.List;

/**
 * A passkey of a user, as they see it listed: the name they gave it, whether it is synced between
 * devices ({@code synced}: the authenticator may back it up) or bound to one, the ways its
 * authenticator said it is reached ({@code usb}, {@code internal}, {@code hybrid}...), and when it
 * was registered and last used.
 */
public record Passkey(
    String id,
    String name,
    boolean synced,
    List<String> transports,
    Instant createdAt,
    Instant lastUsedAt) {
  public Passkey {
    transports = List.copyOf(transports);
  }
}
