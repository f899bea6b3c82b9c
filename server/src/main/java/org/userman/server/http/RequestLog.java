package org.userman.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Locale;
import java.util.function.Consumer;
import org.userman.server.config.ServerConfig.LogFormat;

/**
 * One line per request: method, path template (never the raw path or query, which may carry a
 * token), status, duration and request id. Text for people, JSON for log shippers.
 */
public final class RequestLog {
  private final Consumer<String> sink;
  private final LogFormat format;
  private final ObjectMapper json;
  private final Clock clock;

  public RequestLog(Consumer<String> sink, LogFormat format, ObjectMapper json, Clock clock) {
    this.sink = sink;
    this.format = format;
    this.json = json;
    this.clock = clock;
  }

  public void request(String method, String template, int status, long nanos, String requestId) {
    double ms = nanos / 1_000_000.0;
    if (format == LogFormat.JSON) {
      ObjectNode n = json.createObjectNode();
      n.put("time", clock.instant().toString());
      n.put("level", "INFO");
      n.put("event", "request");
      n.put("method", method);
      n.put("path", template);
      n.put("status", status);
      n.put("duration_ms", Math.round(ms * 100) / 100.0);
      n.put("request_id", requestId);
      sink.accept(write(n));
    } else {
      sink.accept(String.format(Locale.ROOT, "%s INFO request %s %s %d %.2fms id=%s",
          clock.instant(), method, template, status, ms, requestId));
    }
  }

  /** An unexpected failure: its class and message only, never a stack of bound parameters. */
  public void error(String requestId, Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String what = e.getClass().getName() + (root != e ? " caused by " + root.getClass().getName() + ": " + root.getMessage() : "");
    if (format == LogFormat.JSON) {
      ObjectNode n = json.createObjectNode();
      n.put("time", clock.instant().toString());
      n.put("level", "ERROR");
      n.put("event", "unhandled");
      n.put("request_id", requestId);
      n.put("error", what);
      sink.accept(write(n));
    } else {
      sink.accept(clock.instant() + " ERROR unhandled id=" + requestId + " " + what);
    }
  }

  private String write(ObjectNode n) {
    try {
      return json.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
