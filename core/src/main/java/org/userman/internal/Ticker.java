package org.userman.internal;

/**
 * Monotonic time in nanoseconds, as {@link System#nanoTime()} gives it: for the short intervals of
 * the change watch, measured on this node's own clock. Injected, so that tests move it by hand
 * instead of sleeping (as Caffeine's Ticker).
 */
@FunctionalInterface
public interface Ticker {
  /** The ticker of production. */
  Ticker SYSTEM = System::nanoTime;

  /** Nanoseconds from an arbitrary origin; only differences mean anything. */
  long read();
}
