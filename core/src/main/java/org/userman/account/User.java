package org.userman.account;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.userman.role.Roles;

/** A user as clients see it; the password hash is not part of it. */
public record User(
    String id,
    String email,
    boolean emailVerified,
    String username,
    String name,
    UserStatus status,
    List<String> roles,
    ObjectNode attributes,
    Instant createdAt,
    Instant updatedAt,
    Instant lastLoginAt) {

  public User {
    roles = List.copyOf(roles);
    attributes = attributes.deepCopy();
  }

  @Override
  public ObjectNode attributes() {
    return attributes.deepCopy();
  }

  public boolean isAdmin() {
    return roles.contains(Roles.ADMIN);
  }

  public boolean isActiveAdmin() {
    return status == UserStatus.ACTIVE && isAdmin();
  }
}
