package org.userman.mfa;

import org.userman.common.FieldError;
import org.userman.common.ValidationException;

/**
 * What stands in for the second factor: a code from the authenticator app ({@code code}) or one of
 * the recovery codes ({@code recoveryCode}), exactly one of them. Never printed.
 */
public record SecondFactorProof(String code, String recoveryCode) {
  private static final int MAX = 64;

  public SecondFactorProof {
    if ((code == null) == (recoveryCode == null)) {
      throw new ValidationException(
          code == null
              ? FieldError.required("code")
              : FieldError.invalidFormat(
                  "recovery_code", "give a code or a recovery code, not both"));
    }
    if (code != null && code.length() > MAX) {
      throw new ValidationException(FieldError.tooLong("code", MAX));
    }
    if (recoveryCode != null && recoveryCode.length() > MAX) {
      throw new ValidationException(FieldError.tooLong("recovery_code", MAX));
    }
  }

  public static SecondFactorProof totp(String code) {
    return new SecondFactorProof(code, null);
  }

  public static SecondFactorProof recovery(String recoveryCode) {
    return new SecondFactorProof(null, recoveryCode);
  }

  /** The proof, or null when neither was given (the caller decides whether one is needed). */
  public static SecondFactorProof ofNullable(String code, String recoveryCode) {
    return code == null && recoveryCode == null ? null : new SecondFactorProof(code, recoveryCode);
  }

  @Override
  public String toString() {
    return code != null ? "SecondFactorProof[code=****]" : "SecondFactorProof[recovery_code=****]";
  }
}
