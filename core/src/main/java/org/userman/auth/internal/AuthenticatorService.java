package org.userman.auth.internal;

import java.util.Optional;
import org.userman.apikey.internal.ApiKeyService;
import org.userman.auth.Authenticator;
import org.userman.auth.Principal;
import org.userman.common.Actor;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.limit.LimitRule;
import org.userman.limit.internal.RateLimiter;
import org.userman.session.internal.AccessTokens;
import org.userman.session.internal.SessionCheck;

/**
 * Turns a bearer credential into a {@link Principal}. An access token must also name a live session
 * of an active user, checked on every request against the database or against this node's copy of
 * the row, which any write ends (see {@link org.userman.store.internal.changes.Changes} for how
 * other nodes hear of it), so sign-out, password changes and disabling take effect at the next
 * request.
 */
public final class AuthenticatorService implements Authenticator {
  private final AccessTokens accessTokens;
  private final SessionCheck sessionCheck;
  private final ApiKeyService apiKeys;
  private final RateLimiter limiter;

  public AuthenticatorService(
      AccessTokens accessTokens,
      SessionCheck sessionCheck,
      ApiKeyService apiKeys,
      RateLimiter limiter) {
    this.limiter = limiter;
    this.accessTokens = accessTokens;
    this.sessionCheck = sessionCheck;
    this.apiKeys = apiKeys;
  }

  @Override
  public Principal authenticate(String credential, Actor client) {
    return tryAuthenticate(credential, client)
        .orElseThrow(
            () ->
                new UsermanException(
                    ErrorCode.UNAUTHENTICATED,
                    "The credential is missing, invalid, expired or revoked."));
  }

  /**
   * The principal of a valid credential, empty for an invalid one; each use counts against the
   * credential's API allowance ({@code rate_limited} past it).
   */
  @Override
  public Optional<Principal> tryAuthenticate(String credential, Actor client) {
    Optional<Principal> principal = verify(credential);
    principal.ifPresent(p -> charge(p, client));
    return principal;
  }

  /**
   * The principal of a web page's session cookie, counted against the session's allowance alike.
   */
  @Override
  public Optional<Principal> tryCookie(String cookie, Actor client) {
    Optional<Principal> principal =
        sessionCheck
            .byCookie(cookie, client.client())
            .map(s -> new Principal(s.userId(), s.sessionId(), null));
    principal.ifPresent(p -> charge(p, client));
    return principal;
  }

  private void charge(Principal p, Actor client) {
    String key = p.viaApiKey() ? "key:" + p.apiKeyId() : "session:" + p.sessionId();
    limiter.consume(LimitRule.API_PER_CREDENTIAL, key, client.as(p.userId()), p.userId());
  }

  private Optional<Principal> verify(String credential) {
    if (credential == null || credential.isEmpty()) {
      return Optional.empty();
    }
    if (ApiKeyService.looksLikeKey(credential)) {
      return apiKeys.authenticate(credential).map(k -> new Principal(k.userId(), null, k.keyId()));
    }
    return accessTokens
        .verify(credential)
        .filter(c -> sessionCheck.isLive(c.sessionId(), c.userId()))
        .map(c -> new Principal(c.userId(), c.sessionId(), null));
  }
}
