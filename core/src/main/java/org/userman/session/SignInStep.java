package org.userman.session;

/**
 * What a right password gives: the tokens ({@link LoginResult}), or, for an account with a second
 * factor, a {@link SecondFactorChallenge} to complete.
 */
public sealed interface SignInStep permits LoginResult, SecondFactorChallenge {}
