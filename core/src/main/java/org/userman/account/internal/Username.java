package org.userman.account.internal;

import java.util.Optional;
import java.util.regex.Pattern;
import org.userman.common.FieldError;
import org.userman.common.Text;

/**
 * Usernames are {@code [a-z0-9._-]{1,64}}; input is folded to lower case first, so case never makes
 * two.
 */
public final class Username {
  private static final Pattern PATTERN = Pattern.compile("[a-z0-9._-]{1,64}");

  private Username() {}

  public static String normalize(String raw) {
    return Text.fold(raw.strip());
  }

  public static Optional<FieldError> check(String field, String raw) {
    String value = normalize(raw);
    if (value.length() > 64) {
      return Optional.of(FieldError.tooLong(field, 64));
    }
    if (!PATTERN.matcher(value).matches()) {
      return Optional.of(
          FieldError.invalidFormat(field, "use 1 to 64 of a-z, 0-9, '.', '_' and '-'"));
    }
    return Optional.empty();
  }

  /** Whether {@code login} could be a username rather than an email. */
  static boolean looksLikeUsername(String login) {
    return login.indexOf('@') < 0;
  }
}
