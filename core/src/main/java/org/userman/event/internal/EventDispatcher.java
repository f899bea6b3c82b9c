package org.userman.event.internal;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.userman.event.Event;
import org.userman.event.EventListener;
import org.userman.event.EventType;
import org.userman.event.Events;

/**
 * Hands committed events to the listeners of embedders, in commit order, on one thread of its own
 * (started with the first subscription): a listener never runs inside a change, and what it throws
 * is logged and goes no further. {@link #close} lets the thread call listeners with what committed
 * before, then ends it.
 */
public final class EventDispatcher implements Events, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(EventDispatcher.class.getName());
  private static final Duration DRAIN_AT_CLOSE = Duration.ofSeconds(5);

  /** Marks the end of the queue at close. */
  private static final Object END = new Object();

  private final CopyOnWriteArrayList<Listening> listeners = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private Thread thread;
  private boolean closed;

  private record Listening(Set<EventType> types, EventListener listener) {}

  @Override
  public Subscription subscribe(Set<EventType> types, EventListener listener) {
    java.util.Objects.requireNonNull(types, "types");
    java.util.Objects.requireNonNull(listener, "listener");
    Listening l =
        new Listening(
            types.isEmpty() ? EnumSet.allOf(EventType.class) : EnumSet.copyOf(types), listener);
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("closed");
      }
      if (thread == null) {
        thread = Thread.ofPlatform().name("userman-events").daemon().start(this::run);
      }
      listeners.add(l);
    }
    return () -> listeners.remove(l);
  }

  /** Whether anyone listens for {@code type} now (else the event need not be queued at all). */
  boolean wanted(EventType type) {
    for (Listening l : listeners) {
      if (l.types().contains(type)) {
        return true;
      }
    }
    return false;
  }

  /** Queues an event that has just committed. */
  void committed(Event event) {
    queue.add(event);
  }

  private void run() {
    try {
      for (Object next = queue.take(); next != END; next = queue.take()) {
        Event event = (Event) next;
        for (Listening l : listeners) {
          if (l.types().contains(event.type())) {
            call(l.listener(), event);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void call(EventListener listener, Event event) {
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.ERROR,
          "event listener " + listener.getClass().getName() + " failed on " + event.type().code(),
          e);
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = thread;
      thread = null;
    }
    if (t == null) {
      return;
    }
    queue.add(END);
    try {
      t.join(DRAIN_AT_CLOSE.toMillis());
      if (t.isAlive()) {
        LOG.log(System.Logger.Level.WARNING, "event listeners cut short at close");
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(1));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
