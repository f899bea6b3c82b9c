package org.userman.client;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.userman.client.InvalidTokenException.Reason;

/**
 * The issuer's public keys, fetched once and again only when needed: when a token names a key the
 * set lacks (Userman rotated its key), or when the set is older than {@code maxAge} (so that a key
 * the issuer dropped stops vouching). Fetches are at least {@code minInterval} apart, whatever the
 * tokens say: a stream of tokens with made-up key ids costs the issuer one request per interval.
 *
 * <p>Not nimbus's {@code JWKSourceBuilder}: it reads the system clock (so rotation and rate limits
 * cannot be tested without waiting) and allows two fetches per interval rather than one.
 */
final class JwksCache {
  private static final int MAX_BODY = 512 * 1024;

  private final URI uri;
  private final HttpClient http;
  private final Clock clock;
  private final Duration minInterval;
  private final Duration maxAge;
  private final Duration timeout;
  private final ReentrantLock lock = new ReentrantLock();

  private volatile JWKSet keys;
  private volatile Instant fetchedAt;
  private final AtomicLong fetches = new AtomicLong();
  private Instant lastAttempt;

  JwksCache(
      URI uri,
      HttpClient http,
      Clock clock,
      Duration minInterval,
      Duration maxAge,
      Duration timeout) {
    this.uri = uri;
    this.http = http;
    this.clock = clock;
    this.minInterval = minInterval;
    this.maxAge = maxAge;
    this.timeout = timeout;
  }

  /** The key with this id, fetching the set again at most once (rate limit permitting). */
  JWK key(String kid) throws InvalidTokenException {
    long seen = fetches.get();
    JWKSet current = keys;
    Instant fetched = fetchedAt;
    if (current != null && fetched.plus(maxAge).isAfter(clock.instant())) {
      JWK key = current.getKeyByKeyId(kid);
      if (key != null) {
        return key;
      }
    }
    lock.lock();
    try {
      // Another thread may have fetched while this one waited: the answer may be there now.
      if (fetches.get() != seen && keys != null) {
        JWK key = keys.getKeyByKeyId(kid);
        if (key != null) {
          return key;
        }
      }
      Instant now = clock.instant();
      if (lastAttempt == null || !now.isBefore(lastAttempt.plus(minInterval))) {
        lastAttempt = now;
        try {
          keys = fetch();
          fetchedAt = now;
          fetches.incrementAndGet();
        } catch (IOException | ParseException e) {
          if (keys == null) {
            throw new InvalidTokenException(
                Reason.UNAVAILABLE, "cannot fetch the issuer's keys from " + uri, e);
          }
          // The last good set keeps serving until the issuer answers again.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InvalidTokenException(Reason.UNAVAILABLE, "interrupted fetching keys", e);
        }
      }
      if (keys == null) {
        throw new InvalidTokenException(Reason.UNAVAILABLE, "the issuer's keys are not known yet");
      }
      JWK key = keys.getKeyByKeyId(kid);
      if (key == null) {
        throw new InvalidTokenException(
            Reason.UNKNOWN_KEY, "the issuer has no key with the token's kid");
      }
      return key;
    } finally {
      lock.unlock();
    }
  }

  private JWKSet fetch() throws IOException, InterruptedException, ParseException {
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").build();
    HttpResponse<java.io.InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    String body = BoundedBody.read(response.body(), MAX_BODY);
    if (response.statusCode() != 200) {
      throw new IOException("the key set answered " + response.statusCode());
    }
    // Only public keys: a private key published by mistake is never used to verify.
    return JWKSet.parse(body).toPublicJWKSet();
  }
}
