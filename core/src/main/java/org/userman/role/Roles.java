package org.userman.role;

import java.util.Optional;
import java.util.regex.Pattern;
import org.userman.common.FieldError;

/**
 * Role names: free-form labels for the services that read tokens, plus {@code admin}, which is
 * ours.
 */
public final class Roles {
  public static final String ADMIN = "admin";
  private static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");
  public static final int MAX_ROLES = 32;

  private Roles() {}

  public static Optional<FieldError> check(String field, String role) {
    if (role == null || !PATTERN.matcher(role).matches()) {
      return Optional.of(
          FieldError.invalidFormat(field, "a role is 1 to 64 of a-z, 0-9, '.', '_', ':' and '-'"));
    }
    return Optional.empty();
  }
}
