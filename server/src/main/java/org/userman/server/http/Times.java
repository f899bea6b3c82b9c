package org.userman.server.http;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Times in requests: RFC 3339 in UTC, within the years 0001 to 9999 that RFC 3339 can write. */
final class Times {
  static final String EXPECTED =
      "an RFC 3339 time such as 2026-11-22T10:00:00Z, in the years 0001 to 9999";
  private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LAST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private Times() {}

  /**
   * The time {@code text} writes, or null when it is not one (Java also reads years like +10000,
   * which are not).
   */
  static Instant parse(String text) {
    try {
      Instant t = Instant.parse(text);
      return t.isBefore(FIRST) || t.isAfter(LAST) ? null : t;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
