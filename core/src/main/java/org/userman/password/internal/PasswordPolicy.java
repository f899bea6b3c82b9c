package org.userman.password.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.userman.account.AccountSettings;
import org.userman.common.FieldError;
import org.userman.common.Text;
import org.userman.password.Password;

/**
 * NIST SP 800-63B rules: a length range and no composition rules; every Unicode character is
 * allowed (compared after NFKC). A password may not be a common one (see {@link CommonPasswords})
 * nor contain the user's own identifiers.
 */
public final class PasswordPolicy {
  static final int MAX_LENGTH = AccountSettings.MAX_PASSWORD_LENGTH;
  private static final int MIN_INFO_LENGTH = 3;
  private final int minLength;
  private final CommonPasswords common = new CommonPasswords();

  public PasswordPolicy(int minLength) {
    this.minLength = minLength;
  }

  /**
   * The rules {@code password}, in field {@code field}, breaks for a user with these identifiers
   * (any may be null).
   */
  public List<FieldError> check(
      String field, Password password, String email, String username, String name) {
    List<FieldError> errors = new ArrayList<>();
    int length = password.length();
    if (Text.hasLoneSurrogate(password.reveal())) {
      errors.add(
          FieldError.invalidFormat(
              field, "The password holds a lone surrogate, which no text encoding can write."));
    } else if (length < minLength) {
      errors.add(new FieldError(field, "too_short", "Use at least " + minLength + " characters."));
    } else if (length > MAX_LENGTH) {
      errors.add(new FieldError(field, "too_long", "Use at most " + MAX_LENGTH + " characters."));
    } else if (common.contains(password.reveal())) {
      errors.add(
          new FieldError(
              field, "too_common", "This password is among the most common ones; choose another."));
    } else if (containsUserInfo(password.reveal(), email, username, name)) {
      errors.add(
          new FieldError(
              field,
              "contains_user_info",
              "The password must not contain your email, username or name."));
    }
    return errors;
  }

  private static boolean containsUserInfo(
      String password, String email, String username, String name) {
    String folded = password.toLowerCase(Locale.ROOT);
    List<String> parts = new ArrayList<>();
    if (email != null) {
      int at = email.indexOf('@');
      parts.add(at > 0 ? email.substring(0, at) : email);
    }
    if (username != null) {
      parts.add(username);
    }
    if (name != null) {
      parts.addAll(List.of(name.split("\\s+")));
    }
    return parts.stream()
        .map(p -> p.toLowerCase(Locale.ROOT))
        .filter(p -> p.length() >= MIN_INFO_LENGTH)
        .anyMatch(folded::contains);
  }
}
