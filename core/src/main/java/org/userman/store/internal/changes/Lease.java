package org.userman.store.internal.changes;

import org.userman.internal.Ticker;

/**
 * This node's lease as its readers and its listener see it: until when the node trusts its memory
 * without a round trip (on the ticker), and whether it has a row in {@code node_lease}, which
 * writers wait for (then what the listener hears wakes the watcher).
 */
final class Lease {
  private volatile long trustedUntil;
  private volatile boolean row;

  Lease(Ticker ticker) {
    this.trustedUntil = ticker.read();
  }

  boolean trusted(long now) {
    return now - trustedUntil < 0;
  }

  long trustedUntil() {
    return trustedUntil;
  }

  void trustUntil(long time) {
    trustedUntil = time;
  }

  /** Trusted no more, from {@code now}. */
  void distrust(long now) {
    trustedUntil = now;
  }

  boolean hasRow() {
    return row;
  }

  void row(boolean has) {
    row = has;
  }
}
