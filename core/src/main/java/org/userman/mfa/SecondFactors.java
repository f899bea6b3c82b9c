package org.userman.mfa;

import org.userman.common.Actor;
import org.userman.password.Password;

/**
 * Second factors of an account: TOTP (RFC 6238: SHA-1, 6 digits, 30 seconds, what authenticator
 * apps expect) and single-use recovery codes. Once TOTP is on, sign-in takes two steps (see {@code
 * Sessions.signIn}). Every change is audited and told to the owner by mail.
 */
public interface SecondFactors {
  /** Number of recovery codes in a set. */
  int RECOVERY_CODES = 10;

  FactorStatus status(String userId);

  /**
   * Begins a TOTP enrolment, after the current password: a new secret, replacing one whose
   * enrolment was not confirmed. {@code totp_enabled} (409) when TOTP is on already.
   */
  TotpEnrolment beginTotp(String userId, Password currentPassword, Actor actor);

  /**
   * The enrolment begun and not yet confirmed, to show again (its page reloaded, a wrong first
   * code); empty when there is none.
   */
  java.util.Optional<TotpEnrolment> pendingTotp(String userId);

  /**
   * Confirms the enrolment with a first code from the app ({@code invalid_code} when wrong): TOTP
   * is on, and the answer holds a new set of recovery codes.
   */
  RecoveryCodes confirmTotp(String userId, String code, Actor actor);

  /**
   * Turns TOTP off, and with it the recovery codes, after the current password and a code or a
   * recovery code.
   */
  void disableTotp(String userId, Password currentPassword, SecondFactorProof proof, Actor actor);

  /** A new set of recovery codes; the old ones stop working. Needs TOTP on. */
  RecoveryCodes regenerateRecoveryCodes(String userId, Actor actor);

  /**
   * Removes every second factor of the user, passkeys too (an admin's or the operator's help for a
   * lost phone); audited and told to the user by mail. {@code not_found} for an unknown user.
   */
  void reset(String userId, Actor actor);
}
