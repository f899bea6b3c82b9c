package org.userman.client;

/**
 * Turns a bearer token into its {@link Caller}. {@link TokenVerifier} checks Userman's JWTs
 * locally; {@link Introspector} asks Userman, and so also accepts API keys. The filters take
 * either.
 */
@FunctionalInterface
public interface BearerVerifier {
  /** The caller the token stands for; throws when it does not authenticate anyone. */
  Caller verify(String token) throws InvalidTokenException;

  /**
   * JWTs checked locally by {@code jwt}, anything else (API keys, which are opaque) by {@code
   * introspector}: a service that accepts both pays a round trip only for API keys.
   */
  static BearerVerifier jwtOrIntrospection(TokenVerifier jwt, Introspector introspector) {
    return token -> looksLikeJwt(token) ? jwt.verify(token) : introspector.verify(token);
  }

  private static boolean looksLikeJwt(String token) {
    return token != null && token.chars().filter(c -> c == '.').count() == 2;
  }
}
