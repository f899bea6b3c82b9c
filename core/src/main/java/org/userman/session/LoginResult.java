package org.userman.session;

import org.userman.account.User;

/** What a login or refresh hands the client; the tokens are shown this once. */
public record LoginResult(
    String accessToken, long expiresIn, String refreshToken, Session session, User user)
    implements SignInStep {
  @Override
  public String toString() {
    return "LoginResult[session=" + session.id() + ", user=" + user.id() + ", tokens=****]";
  }
}
