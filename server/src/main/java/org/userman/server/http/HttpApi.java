package org.userman.server.http;

import org.userman.server.config.TrustedProxies;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.DirectHandler;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.auth.Authenticator;
import org.userman.store.Storage;

/**
 * Registers every feature's routes on Helidon, each wrapped the same way: a request id, one log
 * line, problem+json for every failure, and {@code Cache-Control: no-store} on every answer (many
 * carry secrets, and none should sit in a shared cache).
 */
public final class HttpApi {
  private static final io.helidon.http.HeaderName REQUEST_ID_HEADER = HeaderNames.create("X-Request-Id");
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final io.helidon.http.HeaderName ORIGIN = HeaderNames.create("Origin");
  private static final io.helidon.http.HeaderName PREFLIGHT_METHOD = HeaderNames.create("Access-Control-Request-Method");
  /** Headers every answer carries, made once with their HTTP/1 bytes. */
  static final Header NO_STORE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-store");
  private static final Header CONTENT_TYPE_JSON = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, Reply.JSON);
  private final List<Route> routes;
  private final ObjectMapper json;
  private final Authenticator authenticator;
  private final Storage storage;
  private final Call.AdminCheck adminCheck;
  private final Problems problems;
  private final RequestLog log;
  private final List<Template> templates;
  private final Cors cors;
  private final TrustedProxies proxies;
  private final List<Header> securityHeaders;

  private record Template(String method, String path, Pattern regex) {}

  public HttpApi(
      List<Route> routes,
      ObjectMapper json,
      Authenticator authenticator,
      Storage storage,
      Call.AdminCheck adminCheck,
      RequestLog log,
      Cors cors,
      TrustedProxies proxies,
      boolean https) {
    this.cors = cors;
    this.proxies = proxies;
    this.securityHeaders = securityHeaders(https);
    this.routes = List.copyOf(routes);
    this.json = json;
    this.authenticator = authenticator;
    this.storage = storage;
    this.adminCheck = adminCheck;
    this.problems = new Problems(json);
    this.log = log;
    List<Template> t = new ArrayList<>();
    for (Route r : routes) {
      t.add(new Template(r.method(), r.path(), Pattern.compile(r.path().replaceAll("\\{[^}]+}", "[^/]+"))));
    }
    this.templates = t;
  }

  /** Problem+json for what the web server refuses before routing. */
  public DirectHandler transportProblems() {
    return new TransportProblems(problems, securityHeaders);
  }

  public List<Route> routes() {
    return routes;
  }

  public void register(HttpRouting.Builder routing) {
    for (Route r : routes) {
      routing.route(Method.create(r.method()), r.path(), (req, res) -> serve(r.method(), r.path(), r.endpoint(), req, res));
    }
    // Everything no route matched: 405 for a known path, 404 otherwise, as problem+json.
    routing.any((req, res) -> serve(req.prologue().method().text(), "(unmatched)", call -> unmatched(req), req, res));
  }

  /** Serves one request, as one span for the per-request reads (see {@link Storage#request}). */
  private void serve(String method, String template, Endpoint endpoint, ServerRequest req, ServerResponse res) {
    Storage.RequestScope span = storage.request();
    try {
      serveWithin(method, template, endpoint, req, res);
    } finally {
      span.close();
    }
  }

  private void serveWithin(String method, String template, Endpoint endpoint, ServerRequest req, ServerResponse res) {
    long start = System.nanoTime();
    String requestId = req.headers().first(REQUEST_ID_HEADER)
        .filter(id -> REQUEST_ID.matcher(id).matches())
        .orElseGet(log::newRequestId);
    Reply reply;
    try {
      reply = endpoint.handle(new Call(req, json, authenticator, adminCheck, proxies));
    } catch (UsermanException e) {
      reply = problems.reply(e);
    } catch (RuntimeException e) {
      log.error(requestId, e);
      reply = problems.reply(new UsermanException(ErrorCode.INTERNAL_ERROR, "Something went wrong on our side; request id " + requestId + "."));
    }
    // Queued for the log before the answer leaves (the writer has it out within milliseconds).
    log.request(method, template, reply.status(), System.nanoTime() - start, requestId);
    for (Map.Entry<String, String> h : cors.answerHeaders(req.headers().first(ORIGIN)).entrySet()) {
      reply = reply.withHeader(h.getKey(), h.getValue());
    }
    write(res, reply, requestId);
  }

  /**
   * Security headers on every answer: nothing sniffed, framed or referred, no active content
   * (the API serves JSON only), and HSTS when the public URL is https.
   */
  private static List<Header> securityHeaders(boolean https) {
    return securityHeaders(https, "default-src 'none'; frame-ancestors 'none'", "no-referrer");
  }

  /**
   * The security headers, with a page's own content policy and referrer policy (the web pages'),
   * made once: each keeps its HTTP/1 bytes, which every answer copies.
   */
  public static List<Header> securityHeaders(boolean https, String contentSecurityPolicy, String referrerPolicy) {
    List<Header> h = new ArrayList<>();
    h.add(HeaderValues.createCached("X-Content-Type-Options", "nosniff"));
    h.add(HeaderValues.createCached("Referrer-Policy", referrerPolicy));
    h.add(HeaderValues.createCached("X-Frame-Options", "DENY"));
    h.add(HeaderValues.createCached("Content-Security-Policy", contentSecurityPolicy));
    if (https) {
      h.add(HeaderValues.createCached("Strict-Transport-Security", "max-age=31536000; includeSubDomains"));
    }
    return List.copyOf(h);
  }

  private Reply unmatched(ServerRequest req) {
    String path = req.path().path();
    List<String> allowed = templates.stream()
        .filter(t -> t.regex().matcher(path).matches())
        .map(Template::method)
        .distinct()
        .toList();
    if (allowed.isEmpty()) {
      return problems.reply(new UsermanException(ErrorCode.NOT_FOUND, "No such resource."));
    }
    if (req.prologue().method() == Method.OPTIONS && req.headers().contains(PREFLIGHT_METHOD)) {
      return cors.preflight(req.headers().first(ORIGIN), allowed, problems);
    }
    return problems
        .reply(new UsermanException(ErrorCode.METHOD_NOT_ALLOWED, "Use " + String.join(", ", allowed) + " here."))
        .withHeader("Allow", allowed.stream().collect(Collectors.joining(", ")));
  }

  private void write(ServerResponse res, Reply reply, String requestId) {
    res.status(reply.status());
    res.header(REQUEST_ID_HEADER, requestId);
    res.header(NO_STORE);
    securityHeaders.forEach(res::header);
    for (Map.Entry<String, String> h : reply.headers().entrySet()) {
      res.header(h.getKey(), h.getValue());
    }
    if (reply.body() == null) {
      res.send();
      return;
    }
    byte[] bytes;
    try {
      bytes = reply.body() instanceof byte[] raw ? raw : json.writeValueAsBytes(reply.body());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a reply body did not serialize", e);
    }
    res.header(Reply.JSON.equals(reply.contentType()) ? CONTENT_TYPE_JSON : HeaderValues.create(HeaderNames.CONTENT_TYPE, reply.contentType()));
    res.send(bytes);
  }
}
