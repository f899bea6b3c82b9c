package org.userman.auth.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.userman.apikey.internal.ApiKeyService;
import org.userman.auth.Authenticator;
import org.userman.auth.Principal;
import org.userman.common.Actor;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.limit.LimitRule;
import org.userman.limit.internal.RateLimiter;
import org.userman.serviceaccount.internal.ServiceAccountService;
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
  private final ServiceAccountService serviceAccounts;
  private final RateLimiter limiter;
  private final String issuer;

  public AuthenticatorService(
      AccessTokens accessTokens,
      SessionCheck sessionCheck,
      ApiKeyService apiKeys,
      ServiceAccountService serviceAccounts,
      RateLimiter limiter,
      String issuer) {
    this.serviceAccounts = serviceAccounts;
    this.limiter = limiter;
    this.issuer = issuer;
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
    String key =
        p.isServiceAccount()
            ? "client:" + p.clientSecretId()
            : p.viaApiKey() ? "key:" + p.apiKeyId() : "session:" + p.sessionId();
    limiter.consume(LimitRule.API_PER_CREDENTIAL, key, client.as(p.userId()), p.userId());
  }

  private Optional<Principal> verify(String credential) {
    if (credential == null || credential.isEmpty()) {
      return Optional.empty();
    }
    if (ApiKeyService.looksLikeKey(credential)) {
      return apiKeys.authenticate(credential).map(k -> new Principal(k.userId(), null, k.keyId()));
    }
    if (ServiceAccountService.looksLikeSecret(credential)) {
      return serviceAccounts
          .authenticateSecret(credential)
          .map(u -> Principal.serviceAccount(u.serviceAccountId(), u.secretId(), null));
    }
    return accessTokens
        .verify(credential)
        .filter(
            c ->
                c.serviceAccount()
                    ? serviceAccounts.isLive(c.sessionId(), c.userId())
                    : sessionCheck.isLive(c.sessionId(), c.userId()))
        .map(
            c ->
                c.serviceAccount()
                    ? Principal.serviceAccount(c.userId(), c.sessionId(), c.roles())
                    : new Principal(c.userId(), c.sessionId(), null));
  }

  @Override
  public Map<String, Object> introspect(String token) {
    Map<String, Object> out = new LinkedHashMap<>();
    Optional<Principal> principal = verify(token);
    if (principal.isEmpty()) {
      out.put("active", false);
      return out;
    }
    Principal p = principal.get();
    out.put("active", true);
    if (p.viaApiKey() || (p.isServiceAccount() && ServiceAccountService.looksLikeSecret(token))) {
      // a key or secret carries no claims of its own: who it stands for
      out.put("token_type", p.viaApiKey() ? "api_key" : "client_secret");
      out.put("iss", issuer);
      out.put("sub", p.userId());
      if (p.isServiceAccount()) {
        out.put("client_id", p.userId());
        out.put("roles", serviceAccounts.currentRoles(p.userId()));
        String organization = serviceAccounts.organizationOf(p.userId());
        if (organization != null) {
          out.put("org_id", organization);
        }
      }
      return out;
    }
    Optional<Map<String, Object>> claims = accessTokens.allClaims(token);
    if (claims.isEmpty()) {
      // expired between the two looks
      out.put("active", false);
      return out;
    }
    out.put("token_type", "Bearer");
    out.putAll(claims.get());
    return out;
  }
}
