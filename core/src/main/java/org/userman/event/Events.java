package org.userman.event;

import java.util.Set;

/**
 * Subscriptions to account events (docs/embedding.md). A listener hears the changes this {@code
 * Userman} makes, in the order they commit, once each, after they commit: a rolled-back change is
 * never heard. It runs on one thread the library owns, which {@code Userman.close()} ends.
 * Listeners live in memory: a change committed just before the process dies may not reach them.
 * Webhooks, delivered from the durable outbox by any node, are the way to miss nothing.
 */
public interface Events {
  /**
   * Calls {@code listener} with every event whose type is in {@code types} (all types when empty).
   * Close the subscription to stop.
   */
  Subscription subscribe(Set<EventType> types, EventListener listener);

  /** A listener's subscription; closing it stops further calls. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
