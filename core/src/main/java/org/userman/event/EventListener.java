package org.userman.event;

/**
 * Called with each event of the kinds it subscribed to, after the change has committed, on a thread
 * the library owns. What it throws is logged and never reaches the change; a slow listener delays
 * the events after it, so hand long work to a thread of your own.
 */
@FunctionalInterface
public interface EventListener {
  void onEvent(Event event);
}
