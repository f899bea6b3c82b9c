package org.userman.session.internal;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.userman.account.User;
import org.userman.common.Actor;
import org.userman.password.Password;

/**
 * What signing in asks of the accounts: whose password this is, under the account's brute-force
 * budget; the user; and the record of a sign-in. The accounts implement it, so that sessions know
 * no account's internals.
 */
public interface SignInAccounts {
  /**
   * A password that matched: the account, its stored hash, and the hash to store in its place (an
   * imported legacy hash or one at old costs, rehashed), or null.
   */
  record Verified(String userId, String passwordHash, String rehashed) {}

  /**
   * The account {@code email} or {@code username} names, if {@code password} is its password;
   * {@code invalid_credentials} for an unknown name or a wrong password alike, {@code rate_limited}
   * once the account's budget is spent.
   */
  Verified signIn(String email, String username, Password password, Actor actor);

  /**
   * In the transaction that records the sign-in: the user, with the row locked, while the verified
   * password is still the user's (whatever the user's status, which the caller checks); empty when
   * it changed or the user is gone. One read: so that a reset or a disabling that committed
   * meanwhile (or commits now) is not undone by a session made after it.
   */
  Optional<User> holding(Handle h, Verified verified);

  /** The user, read in the caller's transaction. */
  Optional<User> find(Handle h, String userId);

  /**
   * Records a sign-in in the caller's transaction, and the password's new hash when it was
   * rehashed.
   */
  void signedIn(Handle h, String userId, String rehashed, Instant now);

  /** Stores the password's new hash (new costs) in the caller's transaction. */
  void rehashed(Handle h, String userId, String hash, Instant now);

  /**
   * Checks a signed-in user's password again (re-authentication) under the same budget as sign-in;
   * {@code invalid_credentials} (400) when wrong.
   */
  void checkPassword(String userId, Password password, Actor actor);
}
