package org.userman.account;

import org.userman.common.Actor;

/** Proving that an address is the user's: at registration, on request, and for a new address. */
public interface EmailVerifications {
  /**
   * Sends a new verification mail when {@code email} belongs to an unverified, not disabled
   * account, after the call returns; the caller answers alike either way.
   */
  void request(String email, Actor actor);

  /**
   * Spends a verification or email-change token and applies it; {@code invalid_token} otherwise.
   */
  User confirm(String token, Actor actor);
}
