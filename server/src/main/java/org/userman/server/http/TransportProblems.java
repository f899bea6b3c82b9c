package org.userman.server.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import java.util.List;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;

/**
 * Failures the web server meets before any route runs (a request line or headers too long or
 * malformed, a body past the transport limit) answered as problem+json like all the others.
 */
public final class TransportProblems implements DirectHandler {
  private final Problems problems;
  private final List<Header> securityHeaders;

  public TransportProblems(Problems problems, SecurityHeaders headers) {
    this.problems = problems;
    this.securityHeaders = headers.api();
  }

  @Override
  public TransportResponse handle(
      TransportRequest request,
      EventType event,
      Status status,
      ServerResponseHeaders headers,
      String message) {
    ErrorCode code =
        status.code() == 413
            ? ErrorCode.PAYLOAD_TOO_LARGE
            : status.code() >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.MALFORMED_REQUEST;
    // The server's message may echo the request; the problem says only what kind of failure it was.
    byte[] body =
        problems.body(
            new UsermanException(
                code, "The request could not be read: " + status.reasonPhrase() + "."),
            status.code());
    TransportResponse.Builder answer =
        TransportResponse.builder()
            .status(status)
            .headers(headers)
            .header(HeaderNames.CONTENT_TYPE, Problems.PROBLEM_JSON)
            .header(EveryRequest.NO_STORE)
            .keepAlive(false)
            .entity(body);
    securityHeaders.forEach(answer::header);
    return answer.build();
  }
}
