package org.userman.serviceaccount;

import java.time.Instant;

/** A service account's client secret as listed: never the secret itself, which is only hashed. */
public record ClientSecret(
    String id,
    String serviceAccountId,
    String name,
    String prefix,
    Instant createdAt,
    Instant lastUsedAt,
    Instant expiresAt) {}
