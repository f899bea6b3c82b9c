package org.userman.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A ticker tests move by hand, so that the change watch's intervals are tested without sleeping. A
 * stepping one also moves on by its step at every read: code that waits until a time has passed
 * then gets there after a known number of reads.
 */
public final class ManualTicker implements Ticker {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AtomicLong reads = new AtomicLong();
  private final long step;

  private ManualTicker(long step) {
    this.step = step;
  }

  /** Stands still until moved. */
  public static ManualTicker frozen() {
    return new ManualTicker(0);
  }

  /** Moves on by {@code step} after each read. */
  public static ManualTicker stepping(Duration step) {
    return new ManualTicker(step.toNanos());
  }

  @Override
  public long read() {
    reads.incrementAndGet();
    return now.getAndAdd(step);
  }

  /** The time now, without counting as a read or stepping. */
  public long peek() {
    return now.get();
  }

  public void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  /** How many times it was read. */
  public long reads() {
    return reads.get();
  }
}
