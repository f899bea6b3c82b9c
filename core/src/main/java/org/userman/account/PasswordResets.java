package org.userman.account;

import org.userman.common.Actor;
import org.userman.password.Password;

/** Forgotten passwords: a mailed, single-use token sets a new one and ends everything else. */
public interface PasswordResets {
  /** Mails a reset link when {@code email} has a usable account, after the call returns. */
  void request(String email, Actor actor);

  /**
   * Sets the new password with a mailed token; every session, API key and other pending mailed
   * token of the user ends.
   */
  void confirm(String token, Password password, Actor actor);
}
