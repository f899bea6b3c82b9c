package org.userman.client;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.userman.client.InvalidTokenException.Reason;

/**
 * Asks Userman whether a token is active (token introspection, RFC 7662), for services that must
 * see a logout or a revoked API key at once, and for API keys, which are opaque and cannot be
 * checked locally. The service authenticates with its client id and secret (HTTP Basic).
 *
 * <p>Answers are kept for a short while (10 seconds by default, at most a minute) so that a client
 * sending many requests costs one round trip per interval: that interval is how late a revocation
 * may be seen. The cache is keyed by a SHA-256 of the token, never the token itself, so a heap dump
 * holds no usable credentials.
 */
public final class Introspector implements BearerVerifier {
  /** The longest cache time allowed: beyond it a revoked token would live on for too long. */
  public static final Duration MAX_CACHE_TTL = Duration.ofMinutes(1);

  private static final int MAX_BODY = 64 * 1024;

  private final URI endpoint;
  private final String authorization;
  private final String issuer;
  private final String audience;
  private final Duration cacheTtl;
  private final int maxCacheEntries;
  private final Clock clock;
  private final Duration timeout;
  private final HttpClient http;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();

  /** A cached answer: the caller, or null for an inactive token. */
  private record Entry(Caller caller, Instant until) {}

  private Introspector(Builder b) {
    this.endpoint = b.endpoint;
    this.authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (form(b.clientId) + ":" + form(b.clientSecret))
                        .getBytes(StandardCharsets.UTF_8));
    this.issuer = b.issuer;
    this.audience = b.audience;
    this.cacheTtl = b.cacheTtl;
    this.maxCacheEntries = b.maxCacheEntries;
    this.clock = b.clock;
    this.timeout = b.timeout;
    this.http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .connectTimeout(b.timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
  }

  /**
   * A builder for asking Userman at {@code <issuer>/oauth2/introspect}, as this client (RFC 6749
   * section 2.3.1: id and secret are form-encoded, then sent as HTTP Basic).
   */
  public static Builder builder(String issuer, String clientId, String clientSecret) {
    return new Builder(issuer, clientId, clientSecret);
  }

  @Override
  public Caller verify(String token) throws InvalidTokenException {
    if (token == null || token.isEmpty() || token.length() > TokenVerifier.MAX_TOKEN_LENGTH) {
      throw new InvalidTokenException(Reason.MALFORMED, "no token, or one too long");
    }
    String key = sha256(token);
    Instant now = clock.instant();
    Entry entry = cache.get(key);
    if (entry == null || !now.isBefore(entry.until())) {
      entry = ask(token, now);
      remember(key, entry, now);
    }
    if (entry.caller() == null) {
      throw new InvalidTokenException(Reason.INACTIVE, "the token is not active");
    }
    if (entry.caller().expiresAt() != null && !now.isBefore(entry.caller().expiresAt())) {
      throw new InvalidTokenException(Reason.EXPIRED, "expired at " + entry.caller().expiresAt());
    }
    return entry.caller();
  }

  private void remember(String key, Entry entry, Instant now) {
    if (cache.size() >= maxCacheEntries) {
      cache.values().removeIf(e -> !now.isBefore(e.until()));
      if (cache.size() >= maxCacheEntries) {
        // Full of live answers: forgetting them all costs one round trip each, nothing more.
        cache.clear();
      }
    }
    cache.put(key, entry);
  }

  private Entry ask(String token, Instant now) throws InvalidTokenException {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Authorization", authorization)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("token=" + form(token)))
            .build();
    Map<String, Object> answer;
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      String body = BoundedBody.read(response.body(), MAX_BODY);
      if (response.statusCode() != 200) {
        // 401 means this service's own credentials are wrong: a configuration error, not the
        // token's, so it is not cached and the caller hears "unavailable".
        throw new InvalidTokenException(
            Reason.UNAVAILABLE, "the introspection endpoint answered " + response.statusCode());
      }
      answer = JSONObjectUtils.parse(body);
    } catch (IOException | ParseException e) {
      throw new InvalidTokenException(Reason.UNAVAILABLE, "cannot introspect the token", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InvalidTokenException(Reason.UNAVAILABLE, "interrupted introspecting", e);
    }
    Instant until = now.plus(cacheTtl);
    if (!Boolean.TRUE.equals(answer.get("active"))) {
      return new Entry(null, until);
    }
    if (issuer != null && answer.get("iss") != null && !issuer.equals(answer.get("iss"))) {
      throw new InvalidTokenException(Reason.WRONG_ISSUER, "issued by " + answer.get("iss"));
    }
    if (audience != null && !CallerClaims.hasAudience(answer, audience)) {
      throw new InvalidTokenException(Reason.WRONG_AUDIENCE, "not issued for " + audience);
    }
    Caller caller = CallerClaims.caller(answer);
    if (caller.expiresAt() != null && caller.expiresAt().isBefore(until)) {
      until = caller.expiresAt();
    }
    return new Entry(caller, until);
  }

  private static String form(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String sha256(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Where and as whom to ask, and how long to keep the answers. */
  public static final class Builder {
    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private URI endpoint;
    private String audience;
    private Duration cacheTtl = Duration.ofSeconds(10);
    private int maxCacheEntries = 10_000;
    private Clock clock = Clock.systemUTC();
    private Duration timeout = Duration.ofSeconds(5);
    private HttpClient httpClient;

    private Builder(String issuer, String clientId, String clientSecret) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
      String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
      this.endpoint = URI.create(base + "/oauth2/introspect");
    }

    /** The introspection endpoint; by default {@code <issuer>/oauth2/introspect}. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** When set, an active token's {@code aud} must name this audience. */
    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    /**
     * How long an answer is kept (10 seconds by default; zero keeps none): the longest a revoked
     * token may still pass. At most {@link #MAX_CACHE_TTL}.
     */
    public Builder cacheTtl(Duration ttl) {
      TokenVerifier.Builder.nonNegative(ttl, "cacheTtl");
      if (ttl.compareTo(MAX_CACHE_TTL) > 0) {
        throw new IllegalArgumentException("cacheTtl is at most " + MAX_CACHE_TTL + ": " + ttl);
      }
      this.cacheTtl = ttl;
      return this;
    }

    /** How many answers are kept at most; 10,000 by default. */
    public Builder maxCacheEntries(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxCacheEntries must be positive");
      }
      this.maxCacheEntries = max;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long one request may take; 5 seconds by default. */
    public Builder timeout(Duration timeout) {
      this.timeout = TokenVerifier.Builder.positive(timeout, "timeout");
      return this;
    }

    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "httpClient");
      return this;
    }

    public Introspector build() {
      return new Introspector(this);
    }
  }
}
