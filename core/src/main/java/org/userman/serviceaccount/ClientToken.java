package org.userman.serviceaccount;

import java.util.List;

/**
 * An access token granted to a service account (RFC 6749 section 4.4.3).
 *
 * @param scope the roles the token carries: all the account's, or those the request asked for
 */
public record ClientToken(String accessToken, long expiresInSeconds, List<String> scope) {
  public ClientToken {
    scope = List.copyOf(scope);
  }
}
