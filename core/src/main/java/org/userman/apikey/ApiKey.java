package org.userman.apikey;

import java.time.Instant;

/** A personal API key as listed: never the key itself. */
public record ApiKey(
    String id,
    String userId,
    String name,
    String prefix,
    Instant createdAt,
    Instant lastUsedAt,
    Instant expiresAt) {}
