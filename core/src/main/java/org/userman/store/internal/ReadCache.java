package org.userman.store.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.userman.internal.Ticker;
import org.userman.metrics.Instrumentation;
import org.userman.store.internal.changes.Changes;

/**
 * Rows that requests read on every call (a session's state, an API key's, the caller's user), kept
 * in memory while nothing has been written since they were read: an entry serves only in the {@link
 * Changes#generation()} it was read in, so any write this node makes or sees ends it. An entry also
 * lives at most {@link #MAX_AGE}, a bound on staleness should a watcher miss a change without
 * noticing. Absent rows are not kept.
 */
public final class ReadCache<K, V> {
  static final Duration MAX_AGE = Duration.ofSeconds(2);

  private record Entry<V>(long generation, V value) {}

  private final Changes changes;
  private final Cache<K, Entry<V>> entries;
  private final String name;
  private final Instrumentation instrumentation;

  /** {@code instrumentation} hears of each lookup as one of the cache {@code name}. */
  public ReadCache(
      Changes changes, long maximumSize, String name, Instrumentation instrumentation) {
    this(changes, maximumSize, Ticker.SYSTEM, name, instrumentation);
  }

  /** {@code ticker} ages the entries (tests move it instead of waiting). */
  ReadCache(Changes changes, long maximumSize, Ticker ticker) {
    this(changes, maximumSize, ticker, "test", Instrumentation.NONE);
  }

  private ReadCache(
      Changes changes,
      long maximumSize,
      Ticker ticker,
      String name,
      Instrumentation instrumentation) {
    this.name = name;
    this.instrumentation = instrumentation;
    this.changes = changes;
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .expireAfterWrite(MAX_AGE)
            .ticker(ticker::read)
            .build();
  }

  /** The row for {@code key}: from memory when it is current, else from {@code load}. */
  public Optional<V> get(K key, Function<K, Optional<V>> load) {
    // Read before loading: a write that commits while the row is read moves the generation on,
    // and the entry is never served.
    long generation = changes.generation();
    if (generation == Changes.UNWATCHED) {
      return load.apply(key);
    }
    Entry<V> e = entries.getIfPresent(key);
    if (e != null && e.generation() == generation) {
      instrumentation.cacheLookup(name, true);
      return Optional.of(e.value());
    }
    instrumentation.cacheLookup(name, false);
    Optional<V> loaded = load.apply(key);
    loaded.ifPresent(v -> entries.put(key, new Entry<>(generation, v)));
    return loaded;
  }
}
