package org.userman.role;

import java.util.Optional;
import org.userman.common.Actor;
import org.userman.common.FieldError;
import org.userman.common.Page;

/**
 * The roles admins may assign: labels for the services that read tokens, plus {@code admin}, which
 * is ours and built in. A user holds only roles that exist here (an unknown one is refused as
 * {@code validation_failed}, code {@code unknown_role}); creating and deleting roles is audited.
 */
public interface Roles {
  String ADMIN = "admin";

  /** The most roles one user holds. */
  int MAX_ROLES = 32;

  /** The longest description, in characters. */
  int MAX_DESCRIPTION = 200;

  /** The field code of a role that does not exist, in a {@code validation_failed} answer. */
  String UNKNOWN_ROLE = "unknown_role";

  /** Whether {@code role} is a well-formed role name; the failure names {@code field}. */
  static Optional<FieldError> check(String field, String role) {
    if (role == null || !RoleNames.PATTERN.matcher(role).matches()) {
      return Optional.of(
          FieldError.invalidFormat(field, "a role is 1 to 64 of a-z, 0-9, '.', '_', ':' and '-'"));
    }
    return Optional.empty();
  }

  /** The failure for a role that does not exist, naming it. */
  static FieldError unknown(String field, String role) {
    return new FieldError(
        field, UNKNOWN_ROLE, "there is no role '" + role + "'; an admin creates it first");
  }

  /** Creates a role; {@code role_taken} when one of the name exists. */
  Role create(String name, String description, Actor actor);

  /** The roles by name; {@code afterName} is the last name of the page before. */
  Page<Role> list(int limit, String afterName);

  /** One role; {@code not_found} for an unknown name. */
  Role get(String name);

  /**
   * Deletes a role: {@code built_in_role} for {@code admin}; {@code role_in_use} while users hold
   * it, unless {@code force}, which takes it from each of them first (each an audited role change
   * of the user), in the same transaction.
   *
   * @return how many users lost the role
   */
  long delete(String name, boolean force, Actor actor);
}
