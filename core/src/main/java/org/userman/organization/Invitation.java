package org.userman.organization;

import java.time.Instant;
import java.util.List;

/**
 * An invitation to an organization, mailed to {@code email} with a single-use link; its token is
 * never part of it.
 *
 * @param invitedBy the user who invited, null when that user is gone or it was the operator
 */
public record Invitation(
    String id,
    String organizationId,
    String email,
    List<String> roles,
    String invitedBy,
    Instant createdAt,
    Instant expiresAt) {
  public Invitation {
    roles = List.copyOf(roles);
  }
}
