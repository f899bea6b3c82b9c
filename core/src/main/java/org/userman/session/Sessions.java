package org.userman.session;

import java.util.List;
import org.userman.account.User;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.mfa.SecondFactorProof;
import org.userman.password.Password;

/** Sign-in, one session per device, refresh-token rotation with reuse detection, and sign-out. */
public interface Sessions {
  /**
   * Signs in with an email or a username. Unknown accounts and wrong passwords fail alike and cost
   * one hash each; an inactive account is told so only after its right password. An account with a
   * second factor gets a {@link SecondFactorChallenge}, which {@link #completeSignIn} completes.
   */
  default SignInStep signIn(
      String email, String username, Password password, String device, ClientInfo client) {
    return signIn(email, username, password, device, null, client);
  }

  /**
   * {@link #signIn} into an organization the user belongs to ({@code organizationId} null for
   * none): the session acts in it, and its access tokens carry {@code org_id} and {@code
   * org_roles}. {@code not_a_member} (only after the right password) when the user is no member of
   * it, or there is no such organization; a sign-in that waits for its second factor keeps the
   * organization for its second step.
   */
  SignInStep signIn(
      String email,
      String username,
      Password password,
      String device,
      String organizationId,
      ClientInfo client);

  /**
   * Completes a sign-in that waits for its second factor. A wrong code counts against the account's
   * sign-in limit, and a few end the challenge; {@code invalid_token} for an unknown, used or
   * expired challenge, {@code invalid_code} for a wrong or spent code.
   */
  LoginResult completeSignIn(String challenge, SecondFactorProof proof, ClientInfo client);

  /**
   * {@link #signIn} for accounts known to have no second factor (programs that embed the library
   * and sign in users of their own): {@code second_factor_required} for one that has.
   */
  LoginResult login(
      String email, String username, Password password, String device, ClientInfo client);

  /**
   * Signs in from a web page: the same checks, limits and audit as {@link #login}, but the session
   * is held by a browser cookie (the returned secret) instead of a refresh token.
   */
  CookieSignInStep loginWithCookie(
      String email, String username, Password password, ClientInfo client);

  /**
   * Signs in with a discoverable passkey and no password: {@code credentialJson} is the browser's
   * answer (WebAuthn's JSON) to a challenge from {@code Passkeys.beginSignIn}. A passkey verifies
   * its user, so this is two factors in one and asks for no code, whatever the account's factors.
   * {@code invalid_credentials} when the answer is refused (unknown key or challenge, another
   * origin, a bad signature, a counter that went back); {@code account_not_active} after a right
   * one for an inactive account.
   */
  LoginResult signInWithPasskey(String credentialJson, String device, ClientInfo client);

  /** {@link #signInWithPasskey} from a web page: the session is held by a cookie. */
  CookieLogin loginWithPasskeyCookie(String credentialJson, ClientInfo client);

  /** {@link #completeSignIn} for a sign-in begun from a web page. */
  CookieLogin completeCookieSignIn(String challenge, SecondFactorProof proof, ClientInfo client);

  /** A web sign-in: the cookie's secret, shown this once, and the session it holds. */
  record CookieLogin(String cookie, Session session, User user) implements CookieSignInStep {
    @Override
    public String toString() {
      return "CookieLogin[session=" + session.id() + ", user=" + user.id() + ", cookie=****]";
    }
  }

  /**
   * Trades a refresh token for a new pair; a spent token presented again ends the whole session.
   */
  default LoginResult refresh(String refreshToken, ClientInfo client) {
    return refresh(refreshToken, null, client);
  }

  /**
   * {@link #refresh}, and the session acts in {@code organizationId} from now on ({@code
   * not_a_member} when the user is no member of it, and the refresh token is not spent). Null keeps
   * the session's organization, with the user's current roles there; a session whose user has left
   * it goes on in none.
   */
  LoginResult refresh(String refreshToken, String organizationId, ClientInfo client);

  /** The user's live sessions, newest first. */
  List<Session> list(String userId);

  /** Ends one of the user's sessions; {@code not_found} for one that is not theirs or not live. */
  void revoke(String userId, String sessionId, Actor actor);

  /** Ends every session of the user ("sign out everywhere"). */
  void revokeAll(String userId, Actor actor);

  /**
   * The user proves who they are again, on the session they act through: with the password, or, for
   * an account with a second factor, with a code or a recovery code (the password may come too).
   * Under the account's sign-in limit; {@code invalid_credentials} or {@code invalid_code} when
   * wrong.
   */
  void reauthenticate(
      String userId,
      String sessionId,
      Password password,
      SecondFactorProof proof,
      ClientInfo client);

  /**
   * For a sensitive action (a new password or email, an API key, second factors, passkeys): passes
   * when the session's user proved who they are within the configured window (signed in, or
   * re-authenticated: with the password, or with a second factor when the account has one); {@code
   * reauthentication_required} otherwise.
   */
  void requireRecentAuthentication(String userId, String sessionId);

  /**
   * As {@link #requireRecentAuthentication}, for an action that checks the current password itself
   * (a password or email change): for an account without a second factor that password is the
   * proof, so only an account with one needs the recent proof as well.
   */
  void requireRecentAuthenticationWithPassword(String userId, String sessionId);
}
