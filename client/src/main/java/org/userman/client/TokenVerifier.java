package org.userman.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.userman.client.InvalidTokenException.Reason;

/**
 * Verifies Userman's access tokens locally, with the keys Userman publishes at {@code
 * <issuer>/.well-known/jwks.json}. A token passes only when it is signed by one of those keys with
 * an allowed algorithm, names this issuer (and this audience, when one is set), and is within its
 * lifetime give or take the clock skew. Thread-safe; build one per issuer and share it.
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.builder("https://id.example.com").audience("orders").build();
 * Caller caller = verifier.verify(token);
 * }</pre>
 *
 * <p>Revocation is not seen here: a signed-out session's token stays valid until it expires
 * (minutes). A service that must see a logout at once uses {@link Introspector} instead.
 */
public final class TokenVerifier implements BearerVerifier {
  /** Longer than any token Userman issues; parsing a megabyte of base64 is work for nothing. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;

  private static final Set<JWSAlgorithm> ASYMMETRIC =
      Set.of(
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512,
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512);

  private final String issuer;
  private final String audience;
  private final Set<JWSAlgorithm> algorithms;
  private final Duration skew;
  private final Clock clock;
  private final JwksCache keys;

  private TokenVerifier(Builder b) {
    this.issuer = b.issuer;
    this.audience = b.audience;
    this.algorithms = Set.copyOf(b.algorithms);
    this.skew = b.skew;
    this.clock = b.clock;
    HttpClient http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .connectTimeout(b.timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    this.keys =
        new JwksCache(
            b.jwksUri != null ? b.jwksUri : defaultJwksUri(b.issuer),
            http,
            b.clock,
            b.refetchMinInterval,
            b.keysMaxAge,
            b.timeout);
  }

  /** A builder for the verifier of tokens from this issuer, Userman's public URL. */
  public static Builder builder(String issuer) {
    return new Builder(issuer);
  }

  static URI defaultJwksUri(String issuer) {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    return URI.create(base + "/.well-known/jwks.json");
  }

  @Override
  public Caller verify(String token) throws InvalidTokenException {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenException(Reason.MALFORMED, "no token, or one too long");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException(Reason.MALFORMED, "not a JWT", e);
    }
    // An unsigned token (alg none) or an encrypted one is a PlainJWT or an EncryptedJWT.
    if (!(jwt instanceof SignedJWT signed)) {
      throw new InvalidTokenException(Reason.ALGORITHM_NOT_ALLOWED, "the token is not signed");
    }
    JWSHeader header = signed.getHeader();
    if (!algorithms.contains(header.getAlgorithm())) {
      // The token's own words (alg, kid) stay out of messages: they may end up in a log line.
      throw new InvalidTokenException(Reason.ALGORITHM_NOT_ALLOWED, "the algorithm is not allowed");
    }
    if (header.getKeyID() == null) {
      throw new InvalidTokenException(Reason.UNKNOWN_KEY, "the token names no key (kid)");
    }
    JWK key = keys.key(header.getKeyID());
    try {
      if (!signed.verify(verifierFor(key, header.getAlgorithm()))) {
        throw new InvalidTokenException(Reason.BAD_SIGNATURE, "the signature does not match");
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException(Reason.BAD_SIGNATURE, "the signature cannot be checked", e);
    }
    Map<String, Object> claims;
    try {
      claims = signed.getJWTClaimsSet().toJSONObject();
    } catch (ParseException e) {
      throw new InvalidTokenException(Reason.MALFORMED, "the claims are not a JSON object", e);
    }
    checkClaims(claims);
    return CallerClaims.caller(claims);
  }

  private void checkClaims(Map<String, Object> claims) throws InvalidTokenException {
    if (!issuer.equals(claims.get("iss"))) {
      throw new InvalidTokenException(Reason.WRONG_ISSUER, "issued by " + claims.get("iss"));
    }
    if (audience != null && !CallerClaims.hasAudience(claims, audience)) {
      throw new InvalidTokenException(Reason.WRONG_AUDIENCE, "not issued for " + audience);
    }
    Instant now = clock.instant();
    Instant exp = CallerClaims.time(claims, "exp");
    if (exp == null) {
      throw new InvalidTokenException(Reason.MALFORMED, "the token has no expiry (exp)");
    }
    if (!now.isBefore(exp.plus(skew))) {
      throw new InvalidTokenException(Reason.EXPIRED, "expired at " + exp);
    }
    Instant nbf = CallerClaims.time(claims, "nbf");
    Instant iat = CallerClaims.time(claims, "iat");
    Instant earliest = now.plus(skew);
    if ((nbf != null && nbf.isAfter(earliest)) || (iat != null && iat.isAfter(earliest))) {
      throw new InvalidTokenException(Reason.NOT_YET_VALID, "the token is not valid yet");
    }
  }

  private static JWSVerifier verifierFor(JWK key, JWSAlgorithm alg) throws InvalidTokenException {
    if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
      throw new InvalidTokenException(Reason.UNKNOWN_KEY, "the key is not for signatures");
    }
    // A key that names its algorithm is used with that one only.
    if (key.getAlgorithm() != null && !key.getAlgorithm().equals(alg)) {
      throw new InvalidTokenException(Reason.ALGORITHM_NOT_ALLOWED, "the key is for another alg");
    }
    try {
      if (JWSAlgorithm.Family.EC.contains(alg) && key instanceof ECKey ec) {
        return new ECDSAVerifier(ec);
      }
      if (JWSAlgorithm.Family.RSA.contains(alg) && key instanceof RSAKey rsa) {
        return new RSASSAVerifier(rsa);
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException(Reason.BAD_SIGNATURE, "the key cannot verify", e);
    }
    throw new InvalidTokenException(
        Reason.ALGORITHM_NOT_ALLOWED, "the key " + key.getKeyID() + " is not for " + alg);
  }

  /** What a verifier checks. Only the issuer is required. */
  public static final class Builder {
    private final String issuer;
    private URI jwksUri;
    private String audience;
    private Set<JWSAlgorithm> algorithms = Set.of(JWSAlgorithm.ES256);
    private Duration skew = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();
    private Duration refetchMinInterval = Duration.ofSeconds(30);
    private Duration keysMaxAge = Duration.ofMinutes(10);
    private Duration timeout = Duration.ofSeconds(5);
    private HttpClient httpClient;

    private Builder(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      if (issuer.isBlank()) {
        throw new IllegalArgumentException("the issuer is Userman's public URL; it is blank");
      }
    }

    /** Where the keys are; by default {@code <issuer>/.well-known/jwks.json}. */
    public Builder jwksUri(URI uri) {
      this.jwksUri = Objects.requireNonNull(uri, "jwksUri");
      return this;
    }

    /**
     * The audience this service is (Userman's {@code tokens.audience} setting); when set, a token
     * must name it. Unset, the audience is not checked.
     */
    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    /**
     * The algorithms accepted, by their JOSE names ({@code ES256}, {@code RS256}, ...); ES256 by
     * default, Userman's. Only asymmetric ones: with an HMAC algorithm anyone holding the public
     * key could sign.
     */
    public Builder algorithms(String... names) {
      if (names.length == 0) {
        throw new IllegalArgumentException("at least one algorithm is needed");
      }
      Set<JWSAlgorithm> chosen = new java.util.HashSet<>();
      for (String name : names) {
        JWSAlgorithm alg = JWSAlgorithm.parse(name);
        if (!ASYMMETRIC.contains(alg)) {
          throw new IllegalArgumentException("not an asymmetric signature algorithm: " + name);
        }
        chosen.add(alg);
      }
      this.algorithms = chosen;
      return this;
    }

    /** How far the issuer's clock and this one may differ; 30 seconds by default. */
    public Builder clockSkew(Duration skew) {
      this.skew = nonNegative(skew, "clockSkew");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The least time between two fetches of the key set (30 seconds by default): a token with an
     * unknown key id triggers a fetch only when the last was at least this long ago.
     */
    public Builder refetchMinInterval(Duration interval) {
      this.refetchMinInterval = nonNegative(interval, "refetchMinInterval");
      return this;
    }

    /** How long a fetched key set is trusted before it is fetched again; 10 minutes by default. */
    public Builder keysMaxAge(Duration maxAge) {
      this.keysMaxAge = nonNegative(maxAge, "keysMaxAge");
      return this;
    }

    /** How long a fetch of the keys may take; 5 seconds by default. */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** The client that fetches the keys (for a proxy or custom TLS); one of its own by default. */
    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "httpClient");
      return this;
    }

    public TokenVerifier build() {
      return new TokenVerifier(this);
    }

    static Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " is negative");
      }
      return d;
    }

    static Duration positive(Duration d, String name) {
      if (nonNegative(d, name).isZero()) {
        throw new IllegalArgumentException(name + " is zero");
      }
      return d;
    }
  }
}
