package org.userman.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;

/**
 * What answers a request no route took: a CORS preflight for a path of the API, 405 with {@code
 * Allow} for a known path and another method, 404 otherwise, as problem+json. The allowed methods
 * come from the declared operations, matched by Helidon's own path matchers.
 */
public final class Fallback implements Handler {
  private record Matcher(Method method, PathMatcher path) {}

  private final List<Matcher> matchers;
  private final Cors cors;
  private final Problems problems;

  public Fallback(List<ApiRoutes.Operation> operations, Cors cors, Problems problems) {
    this.matchers =
        operations.stream()
            .map(o -> new Matcher(o.method(), PathMatchers.create(o.path())))
            .toList();
    this.cors = cors;
    this.problems = problems;
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    Set<String> allowed = new LinkedHashSet<>();
    for (Matcher m : matchers) {
      if (m.path().match(req.prologue().uriPath()).accepted()) {
        allowed.add(m.method().text());
      }
    }
    if (allowed.isEmpty()) {
      throw new UsermanException(ErrorCode.NOT_FOUND, "No such resource.");
    }
    if (req.prologue().method().equals(Method.OPTIONS)
        && req.headers().contains(Cors.PREFLIGHT_METHOD)) {
      cors.preflight(req, res, List.copyOf(allowed));
      return;
    }
    res.header(HeaderNames.ALLOW, String.join(", ", allowed));
    problems.send(
        res,
        new UsermanException(
            ErrorCode.METHOD_NOT_ALLOWED, "Use " + String.join(", ", allowed) + " here."));
  }
}
