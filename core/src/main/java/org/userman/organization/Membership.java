package org.userman.organization;

import java.time.Instant;
import java.util.List;

/** An organization the user belongs to, with the user's roles there (sorted by name). */
public record Membership(Organization organization, List<String> roles, Instant joinedAt) {
  public Membership {
    roles = List.copyOf(roles);
  }
}
