package org.userman.metrics;

/** Hears of the connection pool's events; called on the threads that use the pool. */
public interface PoolObserver {
  /** Hears nothing. */
  PoolObserver NONE = new PoolObserver() {};

  /** A connection was handed out after waiting {@code nanos} for it. */
  default void acquired(long nanos) {}

  /** A connection came back after being used for {@code millis}. */
  default void used(long millis) {}

  /** A new connection to the database took {@code millis} to open. */
  default void created(long millis) {}

  /** A caller waited the connect timeout and got no connection. */
  default void timedOut() {}
}
