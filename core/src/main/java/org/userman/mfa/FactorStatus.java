package org.userman.mfa;

/**
 * The second factors of an account: whether TOTP is on, whether an enrolment waits for its first
 * code, and how many recovery codes are left unused.
 */
public record FactorStatus(boolean totp, boolean totpPending, int recoveryCodesLeft) {
  /** Whether sign-in asks for a second factor. */
  public boolean any() {
    return totp;
  }
}
