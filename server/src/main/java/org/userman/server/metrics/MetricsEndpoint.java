package org.userman.server.metrics;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code GET /metrics} on the metrics listener. With a token configured, a scrape must bring it as
 * {@code Authorization: Bearer <token>}, else 401. The two are compared as SHA-256 digests in
 * constant time, so neither the token's content nor its length shows in the answer's timing.
 */
public final class MetricsEndpoint implements Handler {
  private static final String BEARER = "Bearer ";
  private final PrometheusMetrics metrics;

  /** The token's digest; null when scrapes need none. */
  private final byte[] tokenDigest;

  public MetricsEndpoint(PrometheusMetrics metrics, String token) {
    this.metrics = metrics;
    this.tokenDigest = token == null ? null : sha256(token);
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    if (tokenDigest != null && !authorized(req)) {
      res.status(Status.UNAUTHORIZED_401)
          .header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")
          .header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
          .send("a metrics token is required\n");
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, PrometheusMetrics.contentType())
        .send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
  }

  private boolean authorized(ServerRequest req) {
    String given =
        req.headers()
            .first(HeaderNames.AUTHORIZATION)
            .filter(v -> v.regionMatches(true, 0, BEARER, 0, BEARER.length()))
            .map(v -> v.substring(BEARER.length()).strip())
            .orElse("");
    return MessageDigest.isEqual(sha256(given), tokenDigest);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
