package org.userman.store.internal.changes;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.userman.internal.Ticker;

/**
 * Whether this node is busy enough to hold a lease: cached reads in at least {@link #BUSY_NOTES} of
 * the {@link #NOTE_NANOS} slots of the last {@link #WINDOW_NANOS}, and one within {@link
 * #QUIET_NANOS}. Below that a node makes a round trip for each request, or a few: a trickle of
 * requests is not worth a thousand statements a second.
 */
final class Demand {
  /** Readers note that they asked at most this often (a shared write is not free). */
  static final long NOTE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  static final int BUSY_NOTES = 12;
  static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * When a cached read last asked (to within {@link #NOTE_NANOS}), and how often since the window
   * began.
   */
  private volatile long last;

  private final AtomicInteger notes = new AtomicInteger();

  /**
   * The watcher's own, on its thread: when the window it counts began, and whether the last was
   * busy.
   */
  private long window;

  private boolean busyWindow;

  Demand(Ticker ticker) {
    this.last = ticker.read() - QUIET_NANOS;
  }

  /** A cached read asks, at {@code now}. */
  void note(long now) {
    if (now - last > NOTE_NANOS) {
      last = now;
      notes.incrementAndGet();
    }
  }

  /** The watcher, as it connects: the first window begins, not busy. */
  void begin(long now) {
    window = now;
    busyWindow = false;
  }

  /**
   * The watcher, before it plans its next round: judges a window that has ended; whether busy now.
   */
  boolean judge(long now) {
    if (now - window >= WINDOW_NANOS) {
      busyWindow = notes.getAndSet(0) >= BUSY_NOTES;
      window = now;
    }
    return busy(now);
  }

  /**
   * Whether the last window judged was busy and a read asked since {@link #QUIET_NANOS} before
   * {@code now}.
   */
  boolean busy(long now) {
    return busyWindow && now - last < QUIET_NANOS;
  }
}
