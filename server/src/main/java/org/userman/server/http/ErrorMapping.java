package org.userman.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;

/**
 * The one place where a failure in a route becomes an answer, registered as Helidon's error
 * handlers: problem+json for the API ({@link Problems}), an error page for the pages ({@link
 * PageErrors}, which the pages supply). Anything not ours is a 500 with the request id, logged
 * without its message's bound parameters.
 */
public final class ErrorMapping {
  /** How the pages show a failure. */
  public interface PageErrors {
    void send(ServerRequest req, ServerResponse res, UsermanException e);

    /**
     * Whether this failure has an answer of its own on the pages (the sign-in redirect): handled.
     */
    boolean handleOther(ServerRequest req, ServerResponse res, RuntimeException e);
  }

  private final Problems problems;
  private final PageErrors pages;
  private final RequestLog log;

  public ErrorMapping(Problems problems, PageErrors pages, RequestLog log) {
    this.problems = problems;
    this.pages = pages;
    this.log = log;
  }

  public void register(HttpRouting.Builder routing) {
    routing.error(UsermanException.class, this::ours);
    routing.error(HttpException.class, this::helidons);
    routing.error(RuntimeException.class, this::unexpected);
  }

  private void ours(ServerRequest req, ServerResponse res, UsermanException e) {
    forget(res);
    if (RequestState.of(req).area() == RequestState.Area.PAGE) {
      pages.send(req, res, e);
    } else {
      problems.send(res, e);
    }
  }

  /**
   * What the route set before it failed does not belong to the failure's answer: a cache policy (a
   * public one would make an error cacheable), a cookie (a session handed out), a redirect.
   */
  private static void forget(ServerResponse res) {
    res.headers().remove(HeaderNames.SET_COOKIE);
    res.headers().remove(HeaderNames.LOCATION);
    res.headers().set(EveryRequest.NO_STORE);
  }

  /** Helidon's own refusals while routing (a request it cannot read): their status, our shape. */
  private void helidons(ServerRequest req, ServerResponse res, HttpException e) {
    int status = e.status().code();
    ErrorCode code =
        status == 413
            ? ErrorCode.PAYLOAD_TOO_LARGE
            : status == 404
                ? ErrorCode.NOT_FOUND
                : status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.MALFORMED_REQUEST;
    if (status >= 500) {
      unexpected(req, res, e);
      return;
    }
    forget(res);
    UsermanException problem =
        new UsermanException(
            code, "The request could not be read: " + e.status().reasonPhrase() + ".");
    if (RequestState.of(req).area() == RequestState.Area.PAGE) {
      pages.send(req, res, problem);
    } else {
      problems.send(res, problem, status);
    }
  }

  private void unexpected(ServerRequest req, ServerResponse res, RuntimeException e) {
    forget(res);
    if (RequestState.of(req).area() == RequestState.Area.PAGE && pages.handleOther(req, res, e)) {
      return;
    }
    String id = RequestState.of(req).requestId();
    log.error(id, e);
    ours(
        req,
        res,
        new UsermanException(
            ErrorCode.INTERNAL_ERROR, "Something went wrong on our side; request id " + id + "."));
  }
}
