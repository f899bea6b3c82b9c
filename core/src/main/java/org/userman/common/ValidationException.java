package org.userman.common;

import java.util.List;

/** A request whose fields break one or more rules; every broken rule is listed. */
public final class ValidationException extends UsermanException {
  private final List<FieldError> errors;

  public ValidationException(List<FieldError> errors) {
    super(ErrorCode.VALIDATION_FAILED, "The request has invalid fields.");
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a validation failure names at least one field");
    }
    this.errors = List.copyOf(errors);
  }

  public ValidationException(FieldError error) {
    this(List.of(error));
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** Throws when {@code errors} is not empty. */
  public static void throwIfAny(List<FieldError> errors) {
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
  }

  /** Throws {@code required} for each of the two fields that is missing. */
  public static void requireBoth(Object a, String aName, Object b, String bName) {
    List<FieldError> errors = new java.util.ArrayList<>();
    if (a == null) {
      errors.add(FieldError.required(aName));
    }
    if (b == null) {
      errors.add(FieldError.required(bName));
    }
    throwIfAny(errors);
  }
}
