package org.userman.server.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;

/**
 * Cross-origin access for browsers, from an explicit list of origins (none by default). Only the
 * bearer and API-key credentials exist, never cookies, so credentials are not allowed.
 */
public final class Cors {
  static final HeaderName PREFLIGHT_METHOD = HeaderNames.create("Access-Control-Request-Method");
  private static final HeaderName ORIGIN = HeaderNames.create("Origin");
  private static final String ALLOWED_HEADERS =
      "Authorization, Content-Type, X-API-Key, X-Request-Id";
  private static final String EXPOSED_HEADERS = "Location, Retry-After, X-Request-Id";
  private static final String MAX_AGE = "600";
  private final Set<String> origins;

  public Cors(List<String> origins) {
    this.origins = Set.copyOf(origins);
  }

  /** The headers that let {@code origin} read an answer; none for an origin not on the list. */
  Map<String, String> answerHeaders(Optional<String> origin) {
    return origin
        .filter(origins::contains)
        .map(
            o ->
                Map.of(
                    "Access-Control-Allow-Origin",
                    o,
                    "Access-Control-Expose-Headers",
                    EXPOSED_HEADERS,
                    "Vary",
                    "Origin"))
        .orElse(Map.of());
  }

  /**
   * Answers a preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}); {@code
   * forbidden} for an origin not on the list.
   */
  void preflight(ServerRequest req, ServerResponse res, List<String> allowedMethods) {
    Optional<String> origin = req.headers().first(ORIGIN).filter(origins::contains);
    if (origin.isEmpty()) {
      throw new UsermanException(ErrorCode.FORBIDDEN, "This origin may not call the API.");
    }
    res.status(204)
        .header("Access-Control-Allow-Origin", origin.get())
        .header("Access-Control-Allow-Methods", String.join(", ", allowedMethods))
        .header("Access-Control-Allow-Headers", ALLOWED_HEADERS)
        .header("Access-Control-Max-Age", MAX_AGE)
        .header("Vary", "Origin");
    res.send();
  }
}
