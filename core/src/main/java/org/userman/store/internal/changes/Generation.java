package org.userman.store.internal.changes;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A number that moves on whenever this node's memory may have gone out of date (a write of its own,
 * another writer's that a watcher saw, a watch that began or ended), and whether a watcher runs
 * that would see other writers at all. A cached entry serves only in the generation it was read in.
 */
final class Generation {
  private final AtomicLong value = new AtomicLong();
  private volatile boolean watched;

  /** Only for {@link #awaitWatched}: readers look at {@link #watched} without it. */
  private final ReentrantLock lock = new ReentrantLock();

  private final Condition watchedNow = lock.newCondition();

  long value() {
    return value.get();
  }

  /** What was read before now is not served again. */
  void next() {
    value.incrementAndGet();
  }

  boolean watched() {
    return watched;
  }

  /** A watcher runs from now on, and what was read before it began may have missed a change. */
  void watchBegins() {
    next();
    lock.lock();
    try {
      watched = true;
      watchedNow.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** No watcher vouches for the memory from now on: readers go to the database. */
  void unwatched() {
    watched = false;
  }

  /** Waits, at most {@code timeout}, until a watcher runs; whether one does. */
  boolean awaitWatched(Duration timeout) {
    long left = timeout.toNanos();
    lock.lock();
    try {
      while (!watched && left > 0) {
        left = watchedNow.awaitNanos(left);
      }
      return watched;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return watched;
    } finally {
      lock.unlock();
    }
  }
}
