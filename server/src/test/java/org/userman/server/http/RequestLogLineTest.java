package org.userman.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.userman.Userman;
import org.userman.server.config.ServerConfig.LogFormat;

class RequestLogLineTest {
  private final List<String> lines = new ArrayList<>();
  private final RequestLog log =
      new RequestLog(
          lines::add,
          LogFormat.TEXT,
          Userman.jsonMapper(),
          Clock.fixed(Instant.parse("2026-12-02T10:00:00.123Z"), ZoneOffset.UTC),
          new SecureRandom());

  @Test
  void text_line_gives_the_duration_in_milliseconds_rounded_to_two_places() {
    log.request("GET", "/api/v1/me", 200, 1_234_567, "abc", null);
    log.request("POST", "/api/v1/sessions", 201, 18_995_000, "def", null);
    log.request("GET", "/health/live", 200, 4_999, "ghi", null);
    log.request("GET", "/health/live", 200, 90_000, "jkl", null);
    log.request("GET", "/api/v1/users", 200, 12_345_678_901L, "mno", null);
    assertThat(lines)
        .containsExactly(
            "2026-12-02T10:00:00.123Z INFO request GET /api/v1/me 200 1.23ms id=abc",
            "2026-12-02T10:00:00.123Z INFO request POST /api/v1/sessions 201 19.00ms id=def",
            "2026-12-02T10:00:00.123Z INFO request GET /health/live 200 0.00ms id=ghi",
            "2026-12-02T10:00:00.123Z INFO request GET /health/live 200 0.09ms id=jkl",
            "2026-12-02T10:00:00.123Z INFO request GET /api/v1/users 200 12345.68ms id=mno");
  }

  @Test
  void a_traced_requests_line_names_its_trace_when_the_request_id_is_another() {
    log.request("GET", "/api/v1/me", 200, 1_234_567, "abc", "4bf92f3577b34da6a3ce929d0e0e4736");
    log.request(
        "GET",
        "/api/v1/me",
        200,
        1_234_567,
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(lines)
        .containsExactly(
            "2026-12-02T10:00:00.123Z INFO request GET /api/v1/me 200 1.23ms id=abc"
                + " trace=4bf92f3577b34da6a3ce929d0e0e4736",
            "2026-12-02T10:00:00.123Z INFO request GET /api/v1/me 200 1.23ms"
                + " id=4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @Test
  void request_ids_are_sixteen_hex_digits_and_do_not_repeat_across_refills() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      String id = log.newRequestId();
      assertThat(id).matches("[0-9a-f]{16}");
      ids.add(id);
    }
    assertThat(ids).hasSize(5_000);
  }
}
