package org.userman.session;

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

/** Short-lived ES256 JWTs naming the user ({@code sub}) and the session ({@code sid}). */
public final class AccessTokens {
  private static final int MAX_TOKEN_LENGTH = 8192;
  private final SigningKeys keys;
  private final String issuer;
  private final Duration ttl;
  private final Clock clock;

  /** What a verified token says. */
  public record Claims(String userId, String sessionId) {}

  public AccessTokens(SigningKeys keys, String issuer, Duration ttl, Clock clock) {
    this.keys = keys;
    this.issuer = issuer;
    this.ttl = ttl;
    this.clock = clock;
  }

  public Duration ttl() {
    return ttl;
  }

  public String issue(User user, String sessionId) {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(user.id())
            .claim("sid", sessionId)
            .claim("roles", user.roles())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)))
            .build();
    String kid = keys.currentKid();
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(keys.signer(kid));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an access token", e);
    }
    return jwt.serialize();
  }

  /** The claims of a token this service signed that has not expired; empty for anything else. */
  public Optional<Claims> verify(String token) {
    if (token == null || token.length() > MAX_TOKEN_LENGTH) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
        return Optional.empty();
      }
      var verifier = keys.verifier(jwt.getHeader().getKeyID());
      if (verifier.isEmpty() || !jwt.verify(verifier.get())) {
        return Optional.empty();
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      Object sid = claims.getClaim("sid");
      if (exp == null
          || !exp.toInstant().isAfter(clock.instant())
          || !issuer.equals(claims.getIssuer())
          || claims.getSubject() == null
          || !(sid instanceof String sessionId)) {
        return Optional.empty();
      }
      return Optional.of(new Claims(claims.getSubject(), sessionId));
    } catch (ParseException | JOSEException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
