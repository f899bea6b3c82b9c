package org.userman.server.http;

import io.helidon.webserver.http.ServerRequest;

/**
 * What the pipeline knows of one request beyond Helidon's: its id (from a well-formed X-Request-Id,
 * else a new one), when it began, and whether a page or the API answers it, which decides the
 * security headers and how a failure is shown. The first filter registers it in the request's
 * context.
 */
public final class RequestState {
  /**
   * Who answers: the API (JSON, problem+json) or a page (HTML). Unmatched requests are the API's.
   */
  public enum Area {
    API,
    PAGE
  }

  private final String requestId;
  private final long startedNanos;
  private volatile Area area = Area.API;

  RequestState(String requestId, long startedNanos) {
    this.requestId = requestId;
    this.startedNanos = startedNanos;
  }

  /** The state of {@code req}, which the pipeline's first filter registered. */
  public static RequestState of(ServerRequest req) {
    return req.context()
        .get(RequestState.class, RequestState.class)
        .orElseThrow(() -> new IllegalStateException("the request passed no pipeline filter"));
  }

  public String requestId() {
    return requestId;
  }

  long startedNanos() {
    return startedNanos;
  }

  public Area area() {
    return area;
  }

  /** A page's route answers this request. */
  public void answeredByPage() {
    area = Area.PAGE;
  }
}
