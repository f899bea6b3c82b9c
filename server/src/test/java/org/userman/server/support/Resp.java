package org.userman.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;

/** An answer: status, headers, and the body parsed as JSON (MissingNode when empty). */
public record Resp(int status, HttpHeaders headers, JsonNode json, String raw) {
  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  public String code() {
    return json.path("code").asText(null);
  }

  public String text(String field) {
    return json.path(field).asText(null);
  }

  @Override
  public String toString() {
    return status + " " + raw;
  }
}
