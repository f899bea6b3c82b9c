package org.userman.session.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.userman.account.User;

/**
 * Short-lived ES256 JWTs naming the user ({@code sub}), the session ({@code sid}) and how the user
 * signed in ({@code amr}, RFC 8176), and the configured audience ({@code aud}) when there is one. A
 * service account's token names the account as {@code sub} and {@code client_id} (RFC 9068) and the
 * client secret it was granted for as {@code sid}, and carries no {@code amr}. A token is accepted
 * only as this service issues them: this issuer, this audience, a lifetime no longer than the
 * configured one, and an issue time no later than the clock skew allows.
 */
public final class AccessTokens {
  private static final int MAX_TOKEN_LENGTH = 8192;

  /** Allowance for clocks that differ between the nodes. */
  static final Duration SKEW = Duration.ofMinutes(1);

  private final SigningKeyService keys;
  private final String issuer;
  private final String audience;
  private final Duration ttl;
  private final Clock clock;

  /**
   * Tokens whose signature this node has checked, with what they say. An ES256 verification costs
   * about half a millisecond here, more than the rest of a request; a client sends the same token
   * many times, so each is verified once per node. The key is the exact token text, so only the
   * genuine token finds its entry; expiry and revocation are still checked on every request.
   */
  private final Cache<String, Verified> verified =
      Caffeine.newBuilder().maximumSize(20_000).expireAfterWrite(Duration.ofMinutes(5)).build();

  /**
   * What a verified token says: for a service account's token ({@code serviceAccount}), {@code
   * userId} is the account's id and {@code sessionId} the client secret's.
   */
  public record Claims(
      String userId, String sessionId, boolean serviceAccount, java.util.List<String> roles) {
    public Claims {
      roles = java.util.List.copyOf(roles);
    }
  }

  private record Verified(Claims claims, String kid, Instant expiresAt) {}

  /**
   * Every claim of the tokens introspected lately, as JSON values: a service that introspects sends
   * the same token many times. Kept apart from {@link #verified}, so that the tokens that are only
   * checked (nearly all of them) hold no copy of their claims in memory.
   */
  private final Cache<String, java.util.Map<String, Object>> introspected =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(5)).build();

  /** The organization a token is issued for ({@code org_id}) and the user's roles there. */
  public record Organization(String id, java.util.List<String> roles) {
    public Organization {
      roles = java.util.List.copyOf(roles);
    }
  }

  /** {@code audience} may be null: then tokens carry none, and one that does is refused. */
  public AccessTokens(
      SigningKeyService keys, String issuer, String audience, Duration ttl, Clock clock) {
    this.keys = keys;
    this.issuer = issuer;
    this.audience = audience;
    this.ttl = ttl;
    this.clock = clock;
  }

  public Duration ttl() {
    return ttl;
  }

  /**
   * A token for the user's session; {@code amr} says how the user signed in ({@code pwd}, {@code
   * otp}, {@code mfa}), for services that require a second factor.
   */
  public String issue(User user, String sessionId, java.util.List<String> amr) {
    return issue(user, sessionId, amr, null);
  }

  /**
   * The same, for a session that acts in an organization ({@code organization} null for none): the
   * token then carries {@code org_id} and {@code org_roles}.
   */
  public String issue(
      User user, String sessionId, java.util.List<String> amr, Organization organization) {
    JWTClaimsSet.Builder builder = claims(user.id(), sessionId, user.roles()).claim("amr", amr);
    if (organization != null) {
      builder.claim("org_id", organization.id()).claim("org_roles", organization.roles());
    }
    return sign(builder.build());
  }

  /**
   * A token for a service account, granted with its client secret {@code secretId}, carrying {@code
   * roles}, and {@code org_id} when an organization owns the account ({@code organizationId} not
   * null).
   */
  public String issueForServiceAccount(
      String serviceAccountId,
      String secretId,
      java.util.List<String> roles,
      String organizationId) {
    JWTClaimsSet.Builder builder =
        claims(serviceAccountId, secretId, roles).claim("client_id", serviceAccountId);
    if (organizationId != null) {
      builder.claim("org_id", organizationId);
    }
    return sign(builder.build());
  }

  private JWTClaimsSet.Builder claims(String subject, String sid, java.util.List<String> roles) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
    if (audience != null) {
      builder.audience(audience);
    }
    return builder
        .issuer(issuer)
        .subject(subject)
        .claim("sid", sid)
        .claim("roles", roles)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)));
  }

  private String sign(JWTClaimsSet claims) {
    String kid = keys.currentKid();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(JOSEObjectType.JWT).build(),
            claims);
    try {
      jwt.sign(keys.signer(kid));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an access token", e);
    }
    return jwt.serialize();
  }

  /**
   * Every claim of a token that {@link #verify} accepts, as JSON values (token introspection
   * answers with them); empty for any other token.
   */
  public Optional<java.util.Map<String, Object>> allClaims(String token) {
    if (verify(token).isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(introspected.get(token, AccessTokens::claimsOf));
  }

  /** The claims of a token {@link #verify} accepted; null should it not parse after all. */
  private static java.util.Map<String, Object> claimsOf(String token) {
    try {
      return java.util.Collections.unmodifiableMap(
          SignedJWT.parse(token).getJWTClaimsSet().toJSONObject());
    } catch (ParseException e) {
      return null;
    }
  }

  /** The claims of a token this service signed that has not expired; empty for anything else. */
  public Optional<Claims> verify(String token) {
    if (token == null || token.length() > MAX_TOKEN_LENGTH) {
      return Optional.empty();
    }
    Verified v = verified.getIfPresent(token);
    if (v == null) {
      v = verifySignature(token);
      if (v == null) {
        return Optional.empty();
      }
      verified.put(token, v);
    }
    // A key dropped from the set (its successor's tokens have all expired) no longer vouches.
    if (!v.expiresAt().isAfter(clock.instant()) || keys.verifier(v.kid()).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(v.claims());
  }

  private boolean audienceMatches(java.util.List<String> aud) {
    return audience == null ? aud.isEmpty() : aud.equals(java.util.List.of(audience));
  }

  private Verified verifySignature(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
        return null;
      }
      String kid = jwt.getHeader().getKeyID();
      var verifier = keys.verifier(kid);
      if (verifier.isEmpty() || !jwt.verify(verifier.get())) {
        return null;
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      Date iat = claims.getIssueTime();
      Object sid = claims.getClaim("sid");
      if (exp == null
          || iat == null
          || !issuer.equals(claims.getIssuer())
          || claims.getSubject() == null
          || !(sid instanceof String sessionId)
          || !audienceMatches(claims.getAudience())) {
        return null;
      }
      // A token made with a longer lifetime than this node's (by a node configured otherwise, or
      // from a leaked key), or issued in the future, is not one this service issues now.
      Instant issued = iat.toInstant();
      if (Duration.between(issued, exp.toInstant()).compareTo(ttl) > 0
          || issued.isAfter(clock.instant().plus(SKEW))) {
        return null;
      }
      // a service account's token names the account twice; a user's names no client
      Object clientId = claims.getClaim("client_id");
      boolean serviceAccount = clientId != null;
      if (serviceAccount && !claims.getSubject().equals(clientId)) {
        return null;
      }
      java.util.List<String> roles = claims.getStringListClaim("roles");
      return new Verified(
          new Claims(
              claims.getSubject(),
              sessionId,
              serviceAccount,
              roles == null ? java.util.List.of() : roles),
          kid,
          exp.toInstant());
    } catch (ParseException | JOSEException | RuntimeException e) {
      return null;
    }
  }
}
