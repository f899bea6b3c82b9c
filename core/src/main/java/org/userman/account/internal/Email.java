package org.userman.account.internal;

import java.util.Optional;
import org.userman.common.FieldError;
import org.userman.common.Text;
import org.userman.common.ValidationException;

/** An email address as given, with the folded form that makes it unique. */
public record Email(String value, String normalized) {
  public static final int MAX_LENGTH = 254;

  /** The folded form's column holds this many characters. */
  static final int MAX_FOLDED_LENGTH = 320;

  /** Parses {@code raw}, or names the rule it breaks (as field {@code field}). */
  public static Email parse(String field, String raw) {
    Optional<FieldError> error = check(field, raw);
    if (error.isPresent()) {
      throw new ValidationException(error.get());
    }
    String value = Text.nfkc(raw.strip());
    return new Email(value, Text.fold(value));
  }

  /** The rule {@code raw} breaks, if any. */
  public static Optional<FieldError> check(String field, String raw) {
    if (raw == null || raw.isBlank()) {
      return Optional.of(FieldError.required(field));
    }
    String value = Text.nfkc(raw.strip());
    if (Text.length(value) > MAX_LENGTH || Text.length(Text.fold(value)) > MAX_FOLDED_LENGTH) {
      return Optional.of(FieldError.tooLong(field, MAX_LENGTH));
    }
    if (Text.hasLoneSurrogate(value)) {
      return Optional.of(FieldError.invalidFormat(field, "not an email address"));
    }
    int at = value.lastIndexOf('@');
    boolean ok =
        at > 0
            && at <= 64
            && at == value.indexOf('@')
            && at < value.length() - 3
            && value.indexOf('.', at) > at + 1
            && !value.endsWith(".")
            && value
                .codePoints()
                .noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))
            && value
                .chars()
                .noneMatch(c -> c == '<' || c == '>' || c == '"' || c == ',' || c == ';');
    return ok
        ? Optional.empty()
        : Optional.of(FieldError.invalidFormat(field, "not an email address"));
  }

  @Override
  public String toString() {
    return value;
  }
}
