package org.userman.session;

/**
 * What a right password gives on the web pages: the session's cookie ({@link
 * Sessions.CookieLogin}), or, for an account with a second factor, a {@link SecondFactorChallenge}
 * to complete.
 */
public sealed interface CookieSignInStep permits Sessions.CookieLogin, SecondFactorChallenge {}
