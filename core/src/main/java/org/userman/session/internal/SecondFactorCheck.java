package org.userman.session.internal;

import java.util.List;
import java.util.Optional;
import org.userman.common.Actor;
import org.userman.mfa.SecondFactorProof;

/**
 * What signing in asks of second factors: which the account has, and whether a proof is right. The
 * second factors implement it, so that sessions know nothing of how codes work.
 */
public interface SecondFactorCheck {
  /**
   * The factors a sign-in may ask for ({@code totp}, {@code recovery_code}); empty when the account
   * has none, and a password is then enough.
   */
  List<String> factors(String userId);

  /**
   * Checks the proof under the account's sign-in budget and spends it (a code once per step, a
   * recovery code once); the authentication methods it adds ({@code otp}), or empty when it is
   * wrong. Audited, and a recovery code's use told to the owner.
   */
  Optional<List<String>> verify(String userId, SecondFactorProof proof, Actor actor);
}
