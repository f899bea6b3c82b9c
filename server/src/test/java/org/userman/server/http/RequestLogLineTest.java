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
    log.request("GET", "/api/v1/me", 200, 1_234_567, "abc");
    log.request("POST", "/api/v1/sessions", 201, 18_995_000, "def");
    log.request("GET", "/health/live", 200, 4_999, "ghi");
    log.request("GET", "/health/live", 200, 90_000, "jkl");
    log.request("GET", "/api/v1/users", 200, 12_345_678_901L, "mno");
    assertThat(lines)
        .containsExactly(
            "2026-12-02T10:00:00.123Z INFO request GET /api/v1/me 200 1.23ms id=abc",
            "2026-12-02T10:00:00.123Z INFO request POST /api/v1/sessions 201 19.00ms id=def",
            "2026-12-02T10:00:00.123Z INFO request GET /health/live 200 0.00ms id=ghi",
            "2026-12-02T10:00:00.123Z INFO request GET /health/live 200 0.09ms id=jkl",
            "2026-12-02T10:00:00.123Z INFO request GET /api/v1/users 200 12345.68ms id=mno");
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
