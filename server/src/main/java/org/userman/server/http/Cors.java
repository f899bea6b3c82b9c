package org.userman.server.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-origin access for browsers, from an explicit list of origins (none by default). Only
 * the bearer and API-key credentials exist, never cookies, so credentials are not allowed.
 */
public final class Cors {
  private static final String ALLOWED_HEADERS = "Authorization, Content-Type, X-API-Key, X-Request-Id";
  private static final String EXPOSED_HEADERS = "Location, Retry-After, X-Request-Id";
  private static final String MAX_AGE = "600";
  private final Set<String> origins;

  public Cors(List<String> origins) {
    this.origins = Set.copyOf(origins);
  }

  /** The headers that let {@code origin} read an answer; none for an origin not on the list. */
  Map<String, String> answerHeaders(Optional<String> origin) {
    return origin.filter(origins::contains)
        .map(o -> Map.of("Access-Control-Allow-Origin", o, "Access-Control-Expose-Headers", EXPOSED_HEADERS, "Vary", "Origin"))
        .orElse(Map.of());
  }

  /** The answer to a preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}). */
  Reply preflight(Optional<String> origin, List<String> allowedMethods, Problems problems) {
    if (origin.filter(origins::contains).isEmpty()) {
      return problems.reply(new org.userman.common.UsermanException(org.userman.common.ErrorCode.FORBIDDEN, "This origin may not call the API."));
    }
    return new Reply(204, null, null, Map.of(
        "Access-Control-Allow-Origin", origin.get(),
        "Access-Control-Allow-Methods", String.join(", ", allowedMethods),
        "Access-Control-Allow-Headers", ALLOWED_HEADERS,
        "Access-Control-Max-Age", MAX_AGE,
        "Vary", "Origin"));
  }
}
