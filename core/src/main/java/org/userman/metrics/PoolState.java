package org.userman.metrics;

/** The connection pool's counts as they are now; each call reads them afresh (cheaply). */
public interface PoolState {
  /** Connections lent out. */
  int active();

  /** Connections open and waiting to be lent. */
  int idle();

  /** Threads waiting for a connection. */
  int pending();

  /** Connections open. */
  int total();

  /** The most connections the pool opens. */
  int max();

  /** The least connections the pool keeps open. */
  int min();
}
