package org.userman.auth;

import java.util.Map;
import java.util.Optional;
import org.userman.common.Actor;

/**
 * Turns a credential into a {@link Principal}: an access token of a live session of an active user
 * or of a live client secret of an active service account, an API key, a service account's client
 * secret, or a web page's session cookie. Each use counts against the credential's API allowance
 * ({@code rate_limited} past it).
 */
public interface Authenticator {
  /** The principal of a valid credential; {@code unauthenticated} otherwise. */
  Principal authenticate(String credential, Actor client);

  /** The principal of a valid access token or API key; empty for anything else. */
  Optional<Principal> tryAuthenticate(String credential, Actor client);

  /** The principal of a web page's session cookie; empty for anything else. */
  Optional<Principal> tryCookie(String cookie, Actor client);

  /**
   * What token introspection (RFC 7662) answers for {@code token}, without counting it against any
   * allowance: for a valid access token its claims, for a valid API key or client secret its
   * subject; {@code active} says which. Expired, revoked, foreign and unknown tokens are only
   * {@code {"active": false}}.
   */
  Map<String, Object> introspect(String token);
}
