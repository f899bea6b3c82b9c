package org.userman.session;

import java.util.List;
import org.userman.account.User;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.password.Password;

/** Sign-in, one session per device, refresh-token rotation with reuse detection, and sign-out. */
public interface Sessions {
  /**
   * Signs in with an email or a username. Unknown accounts and wrong passwords fail alike and cost
   * one hash each; an inactive account is told so only after its right password.
   */
  LoginResult login(
      String email, String username, Password password, String device, ClientInfo client);

  /**
   * Signs in from a web page: the same checks, limits and audit as {@link #login}, but the session
   * is held by a browser cookie (the returned secret) instead of a refresh token.
   */
  CookieLogin loginWithCookie(String email, String username, Password password, ClientInfo client);

  /** A web sign-in: the cookie's secret, shown this once, and the session it holds. */
  record CookieLogin(String cookie, Session session, User user) {
    @Override
    public String toString() {
      return "CookieLogin[session=" + session.id() + ", user=" + user.id() + ", cookie=****]";
    }
  }

  /**
   * Trades a refresh token for a new pair; a spent token presented again ends the whole session.
   */
  LoginResult refresh(String refreshToken, ClientInfo client);

  /** The user's live sessions, newest first. */
  List<Session> list(String userId);

  /** Ends one of the user's sessions; {@code not_found} for one that is not theirs or not live. */
  void revoke(String userId, String sessionId, Actor actor);

  /** Ends every session of the user ("sign out everywhere"). */
  void revokeAll(String userId, Actor actor);
}
