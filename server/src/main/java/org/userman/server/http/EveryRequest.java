package org.userman.server.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.userman.store.Storage;

/**
 * The filter every request passes, pages and API alike: it gives the request an id, opens the
 * storage's request scope (so that the request's reads share one check of the change count), and,
 * as the answer is about to leave, sets what every answer carries (X-Request-Id, {@code
 * Cache-Control: no-store} unless a route chose otherwise, the security headers of its area, the
 * CORS headers for a listed origin) and writes its log line (method, route template, status,
 * duration, id: never the raw path or query, which may carry a token), and records it in the
 * request metrics the same way.
 */
public final class EveryRequest implements Filter {
  static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
  private static final Pattern REQUEST_ID_SHAPE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final HeaderName ORIGIN = HeaderNames.create("Origin");
  private static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");

  /** The route of a request that no route took. */
  private static final String UNMATCHED = "(unmatched)";

  static final Header NO_STORE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-store");
  private final Storage storage;
  private final RequestLog log;
  private final Cors cors;
  private final List<Header> apiHeaders;
  private final List<Header> pageHeaders;
  private final Consumer<ServerRequest> bodyArrived;
  private final RequestMetrics metrics;
  private final RequestTracing tracing;

  /**
   * {@code bodyArrived} hears of each request whose body a route has read to its end (the
   * connection layer stops that request's read deadline).
   */
  public EveryRequest(
      Storage storage,
      RequestLog log,
      Cors cors,
      SecurityHeaders headers,
      Consumer<ServerRequest> bodyArrived,
      RequestMetrics metrics,
      RequestTracing tracing) {
    this.metrics = metrics;
    this.tracing = tracing;
    this.bodyArrived = bodyArrived;
    this.storage = storage;
    this.log = log;
    this.cors = cors;
    this.apiHeaders = headers.api();
    this.pageHeaders = headers.pages();
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    RequestTracing.Span span = tracing.begin(req);
    String traceId = span.traceId();
    // a traced request's id is its trace's, unless the client or a proxy named one
    String id =
        req.headers()
            .first(REQUEST_ID)
            .filter(v -> REQUEST_ID_SHAPE.matcher(v).matches())
            .orElseGet(() -> traceId != null ? traceId : log.newRequestId());
    RequestState state = new RequestState(id, start, () -> bodyArrived.accept(req));
    req.context().register(RequestState.class, state);
    res.beforeSend(
        () -> {
          ServerResponseHeaders h = res.headers();
          h.set(HeaderValues.create(REQUEST_ID, id));
          String traceparent = span.traceparent();
          if (traceparent != null) {
            h.set(HeaderValues.create(TRACEPARENT, traceparent));
          }
          h.setIfAbsent(NO_STORE);
          (state.area() == RequestState.Area.PAGE ? pageHeaders : apiHeaders)
              .forEach(h::setIfAbsent);
          if (state.area() == RequestState.Area.API) {
            for (Map.Entry<String, String> c :
                cors.answerHeaders(req.headers().first(ORIGIN)).entrySet()) {
              h.set(HeaderValues.create(c.getKey(), c.getValue()));
            }
          }
          // Queued before the answer leaves: whoever reads the log after the answer finds the line.
          String method = req.prologue().method().text();
          String route = req.matchingPattern().orElse(UNMATCHED);
          int status = res.status().code();
          long nanos = System.nanoTime() - start;
          log.request(method, route, status, nanos, id, traceId);
          metrics.request(method, route, status, nanos);
          span.answered(method, route, status);
        });
    Storage.RequestScope scope = storage.request();
    try {
      chain.proceed();
    } finally {
      scope.close();
      span.close();
    }
  }
}
