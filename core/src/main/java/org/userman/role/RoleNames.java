package org.userman.role;

import java.util.regex.Pattern;

/** The pattern of a role's name, kept out of {@link Roles}, whose fields are all public. */
final class RoleNames {
  static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");

  private RoleNames() {}
}
