package org.userman.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.userman.server.config.ServerConfig.LogFormat;

/**
 * One line per request: method, path template (never the raw path or query, which may carry a
 * token), status, duration and request id. Text for people, JSON for log shippers.
 */
public final class RequestLog {
  private static final int ID_BYTES = 8;

  /** Random bytes drawn at once for request ids: 512 ids a draw of the node's SecureRandom. */
  private static final int POOL_BYTES = 512 * ID_BYTES;

  private static final HexFormat HEX = HexFormat.of();
  private final Consumer<String> sink;
  private final LogFormat format;
  private final ObjectMapper json;
  private final Clock clock;
  private final SecureRandom random;
  private final ReentrantLock poolLock = new ReentrantLock();
  private final byte[] pool = new byte[POOL_BYTES];
  private int used = POOL_BYTES;

  public RequestLog(
      Consumer<String> sink,
      LogFormat format,
      ObjectMapper json,
      Clock clock,
      SecureRandom random) {
    this.sink = sink;
    this.format = format;
    this.json = json;
    this.clock = clock;
    this.random = random;
  }

  /**
   * A new request id: 16 random hex digits, for a request that brought none. Ids need to be unique,
   * not secret, so they come from a pool that one draw of the node's SecureRandom fills, not from a
   * draw per request (which showed in the profile of every request).
   */
  public String newRequestId() {
    poolLock.lock();
    try {
      if (used == POOL_BYTES) {
        random.nextBytes(pool);
        used = 0;
      }
      used += ID_BYTES;
      return HEX.formatHex(pool, used - ID_BYTES, used);
    } finally {
      poolLock.unlock();
    }
  }

  /** {@code traceId} is the request's trace when tracing is on (null otherwise). */
  public void request(
      String method, String template, int status, long nanos, String requestId, String traceId) {
    if (format == LogFormat.JSON) {
      double ms = nanos / 1_000_000.0;
      ObjectNode n = json.createObjectNode();
      n.put("time", clock.instant().toString());
      n.put("level", "INFO");
      n.put("event", "request");
      n.put("method", method);
      n.put("path", template);
      n.put("status", status);
      n.put("duration_ms", Math.round(ms * 100) / 100.0);
      n.put("request_id", requestId);
      if (traceId != null) {
        n.put("trace_id", traceId);
      }
      sink.accept(write(n));
    } else {
      // By hand, not String.format: this runs for every request.
      long hundredths = (nanos + 5_000) / 10_000;
      StringBuilder b =
          new StringBuilder(96)
              .append(clock.instant())
              .append(" INFO request ")
              .append(method)
              .append(' ')
              .append(template)
              .append(' ')
              .append(status)
              .append(' ')
              .append(hundredths / 100)
              .append('.');
      long fraction = hundredths % 100;
      b.append(fraction < 10 ? "0" : "").append(fraction).append("ms id=").append(requestId);
      if (traceId != null && !traceId.equals(requestId)) {
        b.append(" trace=").append(traceId);
      }
      sink.accept(b.toString());
    }
  }

  /** An unexpected failure: its class and message only, never a stack of bound parameters. */
  public void error(String requestId, Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String what =
        e.getClass().getName()
            + (root != e
                ? " caused by " + root.getClass().getName() + ": " + root.getMessage()
                : "");
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
