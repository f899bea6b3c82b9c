package org.userman.server.http;

import java.util.function.Predicate;
import org.userman.common.FieldError;
import org.userman.common.Identifiers;
import org.userman.common.Page;
import org.userman.common.ValidationException;

/** The {@code limit} and {@code cursor} query parameters that every listing takes. */
final class Paging {
  private Paging() {}

  /** {@code limit}: 1..200, 50 when absent. */
  static int limit(Call c) {
    return c.query("limit")
        .map(
            s -> {
              try {
                int n = Integer.parseInt(s);
                if (n >= 1 && n <= Page.MAX_LIMIT) {
                  return n;
                }
              } catch (NumberFormatException e) {
                // reported below
              }
              throw new ValidationException(
                  FieldError.invalidFormat("limit", "a whole number from 1 to " + Page.MAX_LIMIT));
            })
        .orElse(Page.DEFAULT_LIMIT);
  }

  /**
   * The id the {@code cursor} stands for, null when absent; {@code validation_failed} when it is
   * not ours.
   */
  static String cursor(Call c) {
    return cursor(c, Identifiers::looksLikeId);
  }

  /** The same for a listing whose cursor stands for another key, which {@code accept} checks. */
  static String cursor(Call c, Predicate<String> accept) {
    return c.query("cursor")
        .map(
            cursor -> {
              String id = Views.decodeCursor(cursor, accept);
              if (id == null) {
                throw new ValidationException(
                    FieldError.invalidFormat("cursor", "not a cursor from this listing"));
              }
              return id;
            })
        .orElse(null);
  }
}
