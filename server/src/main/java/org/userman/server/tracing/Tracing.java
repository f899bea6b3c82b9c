package org.userman.server.tracing;

import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.webserver.http.ServerRequest;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;
import org.userman.metrics.Instrumentation;
import org.userman.server.config.TracingSettings;
import org.userman.server.http.RequestTracing;

/**
 * OpenTelemetry traces of a node: a server span per request, a child of the caller's trace when the
 * request brings a W3C {@code traceparent}; the library's steps (database transactions and reads,
 * password hashing) as its children; exported in batches by OTLP over HTTP. Made only when {@code
 * tracing.otlp_endpoint} is set, so that no OpenTelemetry class loads otherwise.
 */
public final class Tracing implements RequestTracing, AutoCloseable {
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");
  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  private static final TextMapGetter<ServerRequestHeaders> HEADERS =
      new TextMapGetter<>() {
        @Override
        public String get(ServerRequestHeaders carrier, String key) {
          return carrier == null ? null : carrier.first(HeaderNames.create(key)).orElse(null);
        }
      };

  private final SdkTracerProvider provider;
  private final Tracer tracer;

  private Tracing(SdkTracerProvider provider) {
    this.provider = provider;
    this.tracer = provider.get("org.userman.server");
  }

  /** The node's tracing, exporting to the settings' endpoint. */
  public static Tracing create(TracingSettings settings) {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(settings.otlpEndpoint()).build();
    return new Tracing(
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(Resource.create(Attributes.of(SERVICE_NAME, settings.serviceName()))))
            .setSampler(sampler(settings.sampleRatio()))
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build());
  }

  /**
   * New traces recorded at {@code ratio}; a caller's trace joined, but its "sampled" flag trusted
   * only as far as the ratio goes (any client sends one, and must not decide how much is exported).
   */
  private static Sampler sampler(double ratio) {
    Sampler byRatio = Sampler.traceIdRatioBased(ratio);
    return Sampler.parentBasedBuilder(byRatio)
        .setRemoteParentSampled(byRatio)
        .setRemoteParentNotSampled(Sampler.alwaysOff())
        .build();
  }

  @Override
  @SuppressWarnings("MustBeClosedChecker") // the scope is closed by the returned span's close
  public RequestTracing.Span begin(ServerRequest req) {
    Context parent = W3C.extract(Context.root(), req.headers(), HEADERS);
    // OpenTelemetry's span; RequestTracing.Span is what the filter holds of it
    io.opentelemetry.api.trace.Span span =
        tracer
            .spanBuilder(req.prologue().method().text())
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .startSpan();
    Scope scope = span.makeCurrent();
    String traceId = span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null;
    return new RequestTracing.Span() {
      @Override
      public String traceId() {
        return traceId;
      }

      @Override
      public String traceparent() {
        var c = span.getSpanContext();
        return c.isValid()
            ? "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex()
            : null;
      }

      @Override
      public void answered(String method, String route, int status) {
        span.updateName(method + " " + route);
        span.setAttribute(METHOD, method);
        span.setAttribute(ROUTE, route);
        span.setAttribute(STATUS, (long) status);
        if (status >= 500) {
          span.setStatus(StatusCode.ERROR);
        }
        span.end();
      }

      @Override
      public void close() {
        scope.close();
        span.end(); // a no-op when answered ended it
      }
    };
  }

  /**
   * {@code delegate} (metrics, or nothing), with each of the library's steps a span inside the
   * current request's span; steps outside any request (the library's own threads) make none.
   */
  public Instrumentation instrument(Instrumentation delegate) {
    return new TracedInstrumentation(delegate, tracer);
  }

  /** Exports what is left and stops the exporter. */
  @Override
  public void close() {
    provider.shutdown().join(5, TimeUnit.SECONDS);
  }
}
