package org.userman.server.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.userman.Userman;
import org.userman.metrics.Instrumentation;
import org.userman.role.Roles;
import org.userman.server.config.ServerConfig;
import org.userman.server.http.Api;
import org.userman.server.http.ApiRoutes;
import org.userman.server.http.Call;
import org.userman.server.http.Cors;
import org.userman.server.http.ErrorMapping;
import org.userman.server.http.EveryRequest;
import org.userman.server.http.Fallback;
import org.userman.server.http.Problems;
import org.userman.server.http.RequestLog;
import org.userman.server.http.RequestMetrics;
import org.userman.server.http.RequestTracing;
import org.userman.server.http.SecurityHeaders;
import org.userman.server.http.TransportProblems;
import org.userman.server.http.Views;
import org.userman.server.metrics.MetricsEndpoint;
import org.userman.server.metrics.PrometheusMetrics;
import org.userman.server.tracing.Tracing;
import org.userman.server.web.AccountPages;
import org.userman.server.web.AdminPages;
import org.userman.server.web.OrganizationPages;
import org.userman.server.web.PasskeyPages;
import org.userman.server.web.SecondFactorPages;
import org.userman.server.web.ServiceAccountPages;
import org.userman.server.web.SignInPages;
import org.userman.server.web.WebPages;
import org.userman.server.web.WebhookPages;

/**
 * One running node: the library, its HTTP routes and the web server, started and stopped together.
 */
public final class UsermanServer implements AutoCloseable {
  private static final int MAX_REQUEST_LINE = 8 * 1024;
  private static final int MAX_HEADERS = 16 * 1024;
  private static final long MAX_TRANSPORT_PAYLOAD = 1024 * 1024;

  /** How often idle connections are looked for (Helidon's default, two minutes, is coarse). */
  private static final Duration IDLE_CHECK = Duration.ofSeconds(5);

  /** The listener that serves /metrics alone, when metrics are on. */
  private static final String METRICS_SOCKET = "metrics";

  private static final int METRICS_CONNECTIONS = 16;

  private final Userman userman;
  private final ConnectionGuard guard;
  private final WebServer web;
  private final List<ApiRoutes.Operation> operations;

  /** Null when metrics are off (then no Micrometer class is loaded). */
  private final PrometheusMetrics metrics;

  /** Null when tracing is off (then no OpenTelemetry class is loaded). */
  private final Tracing tracing;

  private UsermanServer(
      Userman userman,
      ConnectionGuard guard,
      WebServer web,
      List<ApiRoutes.Operation> operations,
      PrometheusMetrics metrics,
      Tracing tracing) {
    this.metrics = metrics;
    this.tracing = tracing;
    this.userman = userman;
    this.guard = guard;
    this.web = web;
    this.operations = List.copyOf(operations);
  }

  public static UsermanServer start(ServerConfig config) {
    return start(config, Clock.systemUTC(), new SecureRandom(), System.out::println);
  }

  /** Starts a node with explicit time, randomness and log sink (tests pass their own). */
  public static UsermanServer start(
      ServerConfig config, Clock clock, SecureRandom random, Consumer<String> logSink) {
    return start(config, clock, random, logSink, CompletableFuture.completedFuture(null));
  }

  /**
   * Starts a node; {@code helidonWarm} completes once another thread has done with Helidon's
   * one-time set-up (the start's warm-up), and the start waits for it before it touches Helidon.
   */
  public static UsermanServer start(
      ServerConfig config,
      Clock clock,
      SecureRandom random,
      Consumer<String> logSink,
      CompletableFuture<Void> helidonWarm) {
    Userman userman = null;
    ConnectionGuard guard = null;
    PrometheusMetrics metrics = null;
    Tracing tracing = null;
    try {
      if (config.metrics().enabled()) {
        metrics = PrometheusMetrics.create(clock);
      }
      if (config.tracing().enabled()) {
        tracing = Tracing.create(config.tracing());
      }
      Instrumentation instrumentation = metrics != null ? metrics : Instrumentation.NONE;
      if (tracing != null) {
        instrumentation = tracing.instrument(instrumentation);
      }
      RequestMetrics requestMetrics = metrics != null ? metrics : RequestMetrics.NONE;
      RequestTracing requestTracing = tracing != null ? tracing : RequestTracing.NONE;
      userman = Userman.open(config.core(), clock, random, instrumentation);
      // A second server on the same embedded database fails here, before it listens.
      userman.startServices();
      // Everything from here on touches Helidon's classes (the routes' header names among them).
      helidonWarm.join();
      ObjectMapper json = Userman.jsonMapper();
      Views views = new Views(json);
      Userman u = userman;
      Call.AdminCheck adminCheck =
          p ->
              p.isServiceAccount()
                  // a token granted for fewer roles acts with those only
                  ? p.credentialAllows(Roles.ADMIN)
                      && u.serviceAccounts().holds(p.userId(), Roles.ADMIN)
                  : u.accounts().isAdmin(p.userId());
      RequestLog requestLog = new RequestLog(logSink, config.logFormat(), json, clock, random);
      Api api =
          new Api(
              json,
              userman.authenticator(),
              adminCheck,
              config.trustedProxies(),
              new Call.StepUp() {
                @Override
                public void require(String userId, String sessionId) {
                  u.sessions().requireRecentAuthentication(userId, sessionId);
                }

                @Override
                public void requireWithPassword(String userId, String sessionId) {
                  u.sessions().requireRecentAuthenticationWithPassword(userId, sessionId);
                }
              });
      WebPages pages =
          new WebPages(
              userman.authenticator(),
              adminCheck,
              config.trustedProxies(),
              random,
              config.https(),
              config.core().mail().product(),
              config.core().sessionTtl(),
              config.core().publicUrl(),
              config.core().accounts().passwordMinLength());
      new SignInPages(
              pages,
              userman.accounts(),
              userman.sessions(),
              userman.verifications(),
              userman.passwordResets(),
              config.core().accounts().registration())
          .declare();
      AccountPages accountPages =
          new AccountPages(
              pages,
              userman.accounts(),
              userman.sessions(),
              userman.apiKeys(),
              userman.secondFactors(),
              userman.passkeys(),
              userman.organizations());
      accountPages.declare();
      new OrganizationPages(pages, userman.organizations()).declare();
      new PasskeyPages(pages, accountPages, userman.passkeys(), userman.sessions(), views, json)
          .declare();
      new SecondFactorPages(pages, accountPages, userman.secondFactors(), userman.sessions())
          .declare();
      new AdminPages(pages, userman.accounts()).declare();
      new WebhookPages(pages, userman.webhooks()).declare();
      new ServiceAccountPages(pages, userman.serviceAccounts(), userman.sessions()).declare();
      Problems problems = new Problems(json);
      SecurityHeaders headers = new SecurityHeaders(config.https());
      Cors cors = new Cors(config.corsOrigins());
      Userman lib = userman;
      HttpRouting.Builder routing = HttpRouting.builder();
      // One pipeline for the API and the pages: the filter every request passes, the error
      // mapping, the routes (pages', then the API's operations), and what answers the rest.
      guard = new ConnectionGuard(config.connections(), config.trustedProxies(), System::nanoTime);
      routing.addFilter(
          new EveryRequest(
              userman.storage(),
              requestLog,
              cors,
              headers,
              guard::bodyArrived,
              requestMetrics,
              requestTracing));
      new ErrorMapping(problems, pages.errors(), requestLog).register(routing);
      pages.register(routing);
      ApiRoutes operations =
          ApiRoutes.declareAll(
              new ApiRoutes(routing),
              api,
              lib,
              views,
              openApiDocument(),
              config.core().publicUrl());
      routing.any(new Fallback(operations.operations(), cors, problems));
      WebServerConfig.Builder server =
          WebServer.builder()
              .host(config.host())
              .port(config.port())
              .shutdownHook(false)
              // Explicit limits: request line and headers, bodies (routes refuse past 64 KiB with
              // their own 413; this stops larger ones early), idle connections; HTTP/1.1 only,
              // through the guard, which also holds requests to their read deadline and caps
              // each address's connections.
              .protocolsDiscoverServices(false)
              .addConnectionSelector(
                  guard.http1(
                      Http1Config.builder()
                          .maxPrologueLength(MAX_REQUEST_LINE)
                          .maxHeadersSize(MAX_HEADERS)
                          .build()))
              .maxTcpConnections(guard.maxConnections())
              .maxPayloadSize(MAX_TRANSPORT_PAYLOAD)
              .idleConnectionTimeout(config.idleTimeout())
              .idleConnectionPeriod(IDLE_CHECK)
              // Without TCP_NODELAY an answer written in two segments (headers, then a body of
              // more than a few KB) waits for the client's delayed ACK: some 40 ms per answer.
              .connectionOptions(o -> o.tcpNoDelay(true))
              .directHandlers(
                  d -> {
                    TransportProblems transport = new TransportProblems(problems, headers);
                    for (DirectHandler.EventType event : DirectHandler.EventType.values()) {
                      d.addHandler(event, transport);
                    }
                  })
              .routing(routing);
      if (metrics != null) {
        // A listener of its own, on its own address: the public one never answers /metrics.
        metrics.watch(userman);
        MetricsEndpoint endpoint = new MetricsEndpoint(metrics, config.metrics().token());
        server.putSocket(
            METRICS_SOCKET,
            socket ->
                socket
                    .host(config.metrics().host())
                    .port(config.metrics().port())
                    // a scraper or two, not clients: a flood of connections gets nowhere
                    .maxTcpConnections(METRICS_CONNECTIONS)
                    .routing(r -> r.get("/metrics", endpoint)));
      }
      WebServer web = server.build().start();
      return new UsermanServer(userman, guard, web, operations.operations(), metrics, tracing);
    } catch (RuntimeException e) {
      if (metrics != null) {
        metrics.close();
      }
      if (tracing != null) {
        tracing.close();
      }
      if (guard != null) {
        guard.close();
      }
      if (userman != null) {
        userman.close();
      }
      throw e;
    }
  }

  /**
   * The OpenAPI document as JSON, as the build wrote it ({@link
   * org.userman.server.http.OpenApiJson}).
   */
  private static byte[] openApiDocument() {
    try (InputStream in = UsermanServer.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return web.port();
  }

  /** The port of the metrics listener; -1 when metrics are off. */
  public int metricsPort() {
    return metrics == null ? -1 : web.port(METRICS_SOCKET);
  }

  public Userman userman() {
    return userman;
  }

  /** The API's operations, as declared. */
  public List<ApiRoutes.Operation> operations() {
    return operations;
  }

  @Override
  public void close() {
    web.stop();
    guard.close();
    userman.close();
    if (metrics != null) {
      metrics.close();
    }
    if (tracing != null) {
      tracing.close();
    }
  }
}
