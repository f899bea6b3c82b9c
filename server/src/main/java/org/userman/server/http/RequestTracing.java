package org.userman.server.http;

import io.helidon.webserver.http.ServerRequest;

/**
 * Traces of requests, as {@link EveryRequest} makes them: a span per request, current on the
 * request's thread while its handler runs, so that the library's steps (database, hashing) become
 * its children. {@link #NONE} when tracing is off: then no tracing class is loaded.
 */
public interface RequestTracing {
  /** No traces. */
  RequestTracing NONE = req -> Span.NONE;

  /** A request's span; current on this thread from {@link #begin} until {@link #close}. */
  interface Span {
    Span NONE =
        new Span() {
          @Override
          public String traceId() {
            return null;
          }

          @Override
          public String traceparent() {
            return null;
          }

          @Override
          public void answered(String method, String route, int status) {}

          @Override
          public void close() {}
        };

    /** The trace's id (32 hex digits); null when the request is not traced. */
    String traceId();

    /** The W3C {@code traceparent} of this span, for the answer; null when not traced. */
    String traceparent();

    /** The answer leaves: the span is named after the route and ends with the status. */
    void answered(String method, String route, int status);

    /** The request is done on this thread: the span is no longer current (and ends, if open). */
    void close();
  }

  /**
   * The span of a request that arrives, a child of the trace its {@code traceparent} names, if any,
   * made current on this thread.
   */
  Span begin(ServerRequest req);
}
