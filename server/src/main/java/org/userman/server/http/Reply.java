package org.userman.server.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an endpoint answers: a status, an optional JSON body (any value Jackson writes) and extra
 * headers. Endpoints return a Reply; only {@link HttpApi} writes to the wire.
 */
public record Reply(int status, Object body, String contentType, Map<String, String> headers) {
  static final String JSON = "application/json";

  public static Reply json(int status, Object body) {
    return new Reply(status, body, JSON, Map.of());
  }

  public static Reply ok(Object body) {
    return json(200, body);
  }

  public static Reply noContent() {
    return new Reply(204, null, null, Map.of());
  }

  public static Reply accepted() {
    return new Reply(202, null, null, Map.of());
  }

  public Reply withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Reply(status, body, contentType, h);
  }
}
