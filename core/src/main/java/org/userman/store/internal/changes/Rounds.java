package org.userman.store.internal.changes;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.userman.internal.Ticker;

/**
 * Readers that need the count as it stood after they asked, and the watcher that reads it. A reader
 * takes the outcome of the next round trip to begin (whether the count is known) and waits for it;
 * the watcher swaps in a new one as it begins a round trip, so a reader that took this one is
 * answered by a round trip begun after it asked.
 */
final class Rounds {
  private final AtomicReference<CompletableFuture<Boolean>> next =
      new AtomicReference<>(new CompletableFuture<>());
  private final AtomicBoolean wanted = new AtomicBoolean();

  /** When the latest round trip that succeeded began, on the ticker. */
  private volatile long lastBegan;

  private volatile Thread watcher;

  Rounds(Ticker ticker) {
    this.lastBegan = ticker.read();
  }

  /** The thread that reads the count, to wake when a round is wanted. */
  void watchedBy(Thread thread) {
    this.watcher = thread;
  }

  /** Readers: the outcome of the next round trip to begin. */
  CompletableFuture<Boolean> next() {
    return next.get();
  }

  /** Wakes the watcher for a round trip now. */
  void want() {
    wanted.set(true);
    LockSupport.unpark(watcher);
  }

  /** Whether a round trip that succeeded began after {@code time}. */
  boolean begunSince(long time) {
    return lastBegan - time > 0;
  }

  /** The watcher: whether a round was wanted since it last looked (and it is not any more). */
  boolean takeWanted() {
    return wanted.getAndSet(false);
  }

  /** The watcher: another round at once, without a pause. */
  void again() {
    wanted.set(true);
  }

  /** The watcher, as it begins a round trip: the outcome its readers wait for. */
  CompletableFuture<Boolean> begin() {
    return next.getAndSet(new CompletableFuture<>());
  }

  /** The watcher: the round trip begun at {@code began} succeeded. */
  void succeeded(long began) {
    lastBegan = began;
  }

  /**
   * The watcher, as it stops: readers waiting for a round that will not come go to the database.
   */
  void endWaits() {
    next.getAndSet(new CompletableFuture<>()).complete(false);
  }
}
