package org.userman.common;

/** One rule a request field broke: {@code code} is stable, {@code message} is for people. */
public record FieldError(String field, String code, String message) {
  public static FieldError required(String field) {
    return new FieldError(field, "required", field + " is required");
  }

  public static FieldError invalidFormat(String field, String message) {
    return new FieldError(field, "invalid_format", message);
  }

  public static FieldError tooLong(String field, int max) {
    return new FieldError(field, "too_long", field + " is longer than " + max + " characters");
  }
}
