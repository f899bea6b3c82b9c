package org.userman.common;

import java.util.List;
import java.util.function.Function;

/** One page of a listing; {@code nextAfterId} is null on the last page. */
public record Page<T>(List<T> items, String nextAfterId) {
  /** The most items one page holds, and how many when the caller does not say. */
  public static final int MAX_LIMIT = 200;

  public static final int DEFAULT_LIMIT = 50;

  public Page {
    items = List.copyOf(items);
  }

  /**
   * The page in {@code fetched}, which holds up to {@code limit + 1} rows in listing order: the
   * extra row only tells that another page follows, whose cursor is the id of the last one kept.
   */
  public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> id) {
    boolean more = fetched.size() > limit;
    List<T> items = more ? fetched.subList(0, limit) : fetched;
    return new Page<>(items, more ? id.apply(items.get(items.size() - 1)) : null);
  }
}
