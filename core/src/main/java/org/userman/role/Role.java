package org.userman.role;

import java.time.Instant;

/**
 * A role admins may assign to users.
 *
 * @param builtIn whether Userman itself gives it meaning ({@code admin}), so that it cannot be
 *     deleted
 * @param users how many users hold it
 */
public record Role(
    String name, String description, boolean builtIn, Instant createdAt, long users) {}
