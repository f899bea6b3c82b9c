package org.userman.mfa;

import org.userman.common.FieldError;
import org.userman.common.ValidationException;

/**
 * What stands in for the second factor: a code from the authenticator app ({@code code}), one of
 * the recovery codes ({@code recoveryCode}), or a passkey's answer to a sign-in challenge ({@code
 * passkey}, WebAuthn's JSON of the credential), exactly one of them. Never printed.
 */
public record SecondFactorProof(String code, String recoveryCode, String passkey) {
  private static final int MAX = 64;

  /** Longest passkey answer taken: an assertion is a few hundred bytes, this leaves room. */
  private static final int MAX_PASSKEY = 16 * 1024;

  public SecondFactorProof {
    int given = (code != null ? 1 : 0) + (recoveryCode != null ? 1 : 0) + (passkey != null ? 1 : 0);
    if (given != 1) {
      throw new ValidationException(
          given == 0
              ? FieldError.required("code")
              : FieldError.invalidFormat(
                  "recovery_code", "give a code, a recovery code or a passkey, only one of them"));
    }
    if (code != null && code.length() > MAX) {
      throw new ValidationException(FieldError.tooLong("code", MAX));
    }
    if (recoveryCode != null && recoveryCode.length() > MAX) {
      throw new ValidationException(FieldError.tooLong("recovery_code", MAX));
    }
    if (passkey != null && passkey.length() > MAX_PASSKEY) {
      throw new ValidationException(FieldError.tooLong("passkey", MAX_PASSKEY));
    }
  }

  /** A code or a recovery code, exactly one of them. */
  public SecondFactorProof(String code, String recoveryCode) {
    this(code, recoveryCode, null);
  }

  public static SecondFactorProof totp(String code) {
    return new SecondFactorProof(code, null, null);
  }

  public static SecondFactorProof recovery(String recoveryCode) {
    return new SecondFactorProof(null, recoveryCode, null);
  }

  /** A passkey's answer: the credential as WebAuthn's JSON. */
  public static SecondFactorProof passkey(String credentialJson) {
    return new SecondFactorProof(null, null, credentialJson);
  }

  /** The proof, or null when none was given (the caller decides whether one is needed). */
  public static SecondFactorProof ofNullable(String code, String recoveryCode) {
    return ofNullable(code, recoveryCode, null);
  }

  /** The proof, or null when none was given (the caller decides whether one is needed). */
  public static SecondFactorProof ofNullable(String code, String recoveryCode, String passkey) {
    return code == null && recoveryCode == null && passkey == null
        ? null
        : new SecondFactorProof(code, recoveryCode, passkey);
  }

  /** The factor this proof answers with: {@code totp}, {@code recovery_code} or {@code passkey}. */
  public String factor() {
    return code != null ? "totp" : recoveryCode != null ? "recovery_code" : "passkey";
  }

  @Override
  public String toString() {
    return "SecondFactorProof[" + factor() + "=****]";
  }
}
