package org.userman.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One thread of its own that runs a round of an outbox's work every {@code poll}, and at once after
 * {@link #nudge}: the sender of the mail queue and of webhooks. What a round throws is logged and
 * the next round tries again (the database may be away for a while); {@link #close} ends the
 * thread.
 */
public final class PollingWorker implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PollingWorker.class.getName());
  private final String name;
  private final Runnable round;
  private final Duration poll;
  private ScheduledExecutorService executor;

  public PollingWorker(String name, Duration poll, Runnable round) {
    this.name = name;
    this.poll = poll;
    this.round = round;
  }

  public synchronized void start() {
    if (executor == null) {
      executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              });
      // quietly() catches what the round throws, so the schedule runs until close() ends it
      var unused =
          executor.scheduleWithFixedDelay(this::quietly, 0, poll.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Asks for a round now (work was just queued); nothing when not started. */
  public synchronized void nudge() {
    if (executor != null) {
      executor.execute(this::quietly);
    }
  }

  private void quietly() {
    try {
      round.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, name + ": round failed: " + e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }
}
