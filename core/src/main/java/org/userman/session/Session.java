package org.userman.session;

import java.time.Instant;

/** One signed-in device. */
public record Session(
    String id,
    String userId,
    String device,
    String ip,
    String userAgent,
    Instant createdAt,
    Instant lastUsedAt,
    Instant expiresAt) {}
