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
  private final Runnable bodyArrived;

  RequestState(String requestId, long startedNanos, Runnable bodyArrived) {
    this.requestId = requestId;
    this.startedNanos = startedNanos;
    this.bodyArrived = bodyArrived;
  }

  /**
   * The request's body has been read to its end: it has arrived (the connection's read deadline no
   * longer runs, however long the answer takes).
   */
  public void bodyRead() {
    bodyArrived.run();
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
