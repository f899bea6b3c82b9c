package org.userman.organization;

import java.time.Instant;

/**
 * A customer's organization: people belong to it as members, each with organization roles.
 *
 * @param slug a short unique name for addresses and look-ups ({@code [a-z0-9-]}, 1 to 64)
 * @param members how many members it has
 */
public record Organization(
    String id, String name, String slug, Instant createdAt, Instant updatedAt, long members) {}
