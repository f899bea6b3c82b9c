package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * OpenTelemetry traces: with an OTLP endpoint set, each request is a server span in the trace its
 * {@code traceparent} names, its database and hashing work are spans inside it, the answer carries
 * the span's {@code traceparent}, and the request id in the log is the trace's. The spans reach an
 * OTLP receiver of the test's own.
 */
class TracingTest {
  private static final HexFormat HEX = HexFormat.of();

  /** An OTLP/HTTP receiver: keeps every span it is sent. */
  private static final class Receiver implements AutoCloseable {
    final List<Span> spans = new CopyOnWriteArrayList<>();
    final HttpServer http;

    Receiver() throws IOException {
      http =
          HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
      http.createContext(
          "/v1/traces",
          exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
              ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in);
              request.getResourceSpansList().stream()
                  .flatMap(r -> r.getScopeSpansList().stream())
                  .flatMap(s -> s.getSpansList().stream())
                  .forEach(spans::add);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
          });
      http.start();
    }

    String endpoint() {
      return "http://127.0.0.1:" + http.getAddress().getPort() + "/v1/traces";
    }

    @Override
    public void close() {
      http.stop(0);
    }
  }

  private static String hex(com.google.protobuf.ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }

  @Test
  void a_request_is_a_span_in_the_callers_trace_with_its_database_and_hashing_work_inside()
      throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String callerSpan = "00f067aa0ba902b7";
    Resp signIn;
    Resp untraced;
    List<String> log;
    try (Receiver receiver = new Receiver()) {
      try (TestServer s =
          TestServer.start(
              "USERMAN_REGISTRATION=open",
              "USERMAN_TRACING_OTLP_ENDPOINT=" + receiver.endpoint(),
              "USERMAN_TRACING_SERVICE_NAME=userman-test")) {
        s.register("ada@example.org");
        signIn =
            s.send(
                "POST",
                "/api/v1/sessions",
                "application/json",
                "{\"email\":\"ada@example.org\",\"password\":\"" + TestServer.PASSWORD + "\"}",
                "traceparent",
                "00-" + traceId + "-" + callerSpan + "-01");
        untraced = s.get("/health/live", null);
        log = List.copyOf(s.log);
      }
      // closing the node flushed its spans to the receiver

      assertThat(signIn.status()).as(signIn.raw()).isEqualTo(201);
      assertThat(signIn.header("X-Request-Id")).isEqualTo(traceId);
      assertThat(signIn.header("traceparent")).startsWith("00-" + traceId + "-").endsWith("-01");
      assertThat(log).anyMatch(l -> l.contains("POST /api/v1/sessions 201") && l.contains(traceId));

      Span server =
          receiver.spans.stream()
              .filter(sp -> sp.getName().equals("POST /api/v1/sessions"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no server span among " + receiver.spans));
      assertThat(server.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
      assertThat(hex(server.getTraceId())).isEqualTo(traceId);
      assertThat(hex(server.getParentSpanId())).isEqualTo(callerSpan);
      assertThat(signIn.header("traceparent")).contains(hex(server.getSpanId()));
      assertThat(server.getAttributesList())
          .anyMatch(
              a ->
                  a.getKey().equals("http.route")
                      && a.getValue().getStringValue().equals("/api/v1/sessions"))
          .anyMatch(
              a ->
                  a.getKey().equals("http.response.status_code")
                      && a.getValue().getIntValue() == 201);

      List<String> inside =
          receiver.spans.stream()
              .filter(sp -> sp.getParentSpanId().equals(server.getSpanId()))
              .map(Span::getName)
              .toList();
      assertThat(inside).contains("password.hash", "db.transaction");
      receiver.spans.stream()
          .filter(sp -> sp.getParentSpanId().equals(server.getSpanId()))
          .forEach(
              sp ->
                  assertThat(sp.getStartTimeUnixNano())
                      .isGreaterThanOrEqualTo(server.getStartTimeUnixNano()));

      // a request with no traceparent starts a trace of its own, whose id is the request id
      String ownTrace = untraced.header("X-Request-Id");
      assertThat(ownTrace).matches("[0-9a-f]{32}").isNotEqualTo(traceId);
      assertThat(untraced.header("traceparent")).startsWith("00-" + ownTrace + "-");
      assertThat(receiver.spans)
          .anyMatch(sp -> hex(sp.getTraceId()).equals(ownTrace) && sp.getParentSpanId().isEmpty());
    }
  }

  @Test
  void without_an_endpoint_requests_carry_no_trace() {
    try (TestServer s = TestServer.start()) {
      Resp r =
          s.send(
              "GET",
              "/health/live",
              null,
              null,
              "traceparent",
              "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
      assertThat(r.header("traceparent")).isNull();
      assertThat(r.header("X-Request-Id")).matches("[0-9a-f]{16}");
    }
  }
}
