package org.userman.session;

import java.util.List;

/**
 * A sign-in whose password was right, waiting for its second factor: the challenge to send back
 * with a code (shown this once, valid for {@code expiresIn} seconds and a few tries), and the
 * factors the account can answer with ({@code totp}, {@code recovery_code}).
 */
public record SecondFactorChallenge(String challenge, long expiresIn, List<String> factors)
    implements SignInStep, CookieSignInStep {
  public SecondFactorChallenge {
    factors = List.copyOf(factors);
  }

  @Override
  public String toString() {
    return "SecondFactorChallenge[factors=" + factors + ", challenge=****]";
  }
}
