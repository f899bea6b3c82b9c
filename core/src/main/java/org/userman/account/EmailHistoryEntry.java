package org.userman.account;

import java.time.Instant;

/**
 * An address a user held: since {@code from}, until {@code until} (null for the current one), and
 * whether it was verified while they held it (for the current one: whether it is now).
 */
public record EmailHistoryEntry(
    String email, boolean verified, Instant from, Instant until, boolean current) {}
