package org.userman.organization;

import java.time.Instant;
import java.util.List;

/**
 * A user's membership of an organization, as the organization's members see it.
 *
 * @param roles the organization roles, sorted by name
 * @param joinedAt when the user became a member
 */
public record Member(
    String organizationId,
    String userId,
    String email,
    String name,
    List<String> roles,
    Instant joinedAt) {
  public Member {
    roles = List.copyOf(roles);
  }
}
