package org.userman.mfa;

import java.util.List;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;

/**
 * Passkeys (WebAuthn): keys held by an authenticator (a phone, a laptop, a security key) that sign
 * a challenge after the person unlocks it. Registered from a signed-in session; they sign in alone,
 * with no password (a passkey that verified its user is two factors in one), or stand in for the
 * code of the two-step sign-in. Credentials go in as WebAuthn's JSON ({@code
 * PublicKeyCredential.toJSON()}), and are checked against the configured relying party ({@link
 * PasskeySettings}). Every change is audited and told to the owner by mail.
 */
public interface Passkeys {
  /** Most passkeys an account may hold. */
  int MAX_PER_USER = 20;

  /**
   * Begins a registration for the user: creation options with a new challenge. {@code
   * passkey_limit} when the account holds {@link #MAX_PER_USER} already.
   */
  PasskeyCreation beginRegistration(String userId, Actor actor);

  /**
   * Registers the credential the browser made from {@link #beginRegistration}'s options, under a
   * name (required, at most 100 characters). {@code invalid_passkey} when it does not verify (an
   * unknown, spent or expired challenge, another origin or relying party, no user verification) or
   * is registered already.
   */
  Passkey register(String userId, String name, String credentialJson, Actor actor);

  /** The user's passkeys, oldest first. */
  List<Passkey> list(String userId);

  /** Renames one of the user's passkeys; {@code not_found} for one that is not theirs. */
  Passkey rename(String userId, String passkeyId, String name, Actor actor);

  /** Removes one of the user's passkeys; {@code not_found} for one that is not theirs. */
  void delete(String userId, String passkeyId, Actor actor);

  /**
   * Options for signing in with a passkey, alone or as a second factor: a new challenge. Counts
   * against the client's sign-in limit.
   */
  PasskeyRequest beginSignIn(ClientInfo client);
}
