package org.userman.server.http;

/** Hears of each answered request, once, as it leaves: for the request metrics. */
@FunctionalInterface
public interface RequestMetrics {
  /** Records nothing (metrics off). */
  RequestMetrics NONE = (method, route, status, nanos) -> {};

  /**
   * {@code route} is the template of the route that answered ({@code /api/v1/users/{id}}), or
   * "(unmatched)": never the raw path, which may carry a token or an id.
   */
  void request(String method, String route, int status, long nanos);
}
