package org.userman.mfa;

/**
 * A TOTP enrolment begun: the secret (base32, as authenticator apps take it typed) and the {@code
 * otpauth://} URI that a QR code carries. Shown while the enrolment waits for its first code; never
 * printed.
 */
public record TotpEnrolment(String secret, String uri) {
  @Override
  public String toString() {
    return "TotpEnrolment[****]";
  }
}
