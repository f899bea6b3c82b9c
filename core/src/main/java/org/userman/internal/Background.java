package org.userman.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Work done after the answer has gone out: the mail of requests whose answer must not tell, by its
 * content or its timing, whether an address has an account.
 */
public final class Background implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Background.class.getName());
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  /** One party for the waiters, plus one for each task in flight. */
  private final Phaser inFlight = new Phaser(1);

  public void run(Runnable task) {
    inFlight.register();
    try {
      executor.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.log(System.Logger.Level.ERROR, "background task failed: " + e.getMessage(), e);
            } finally {
              inFlight.arriveAndDeregister();
            }
          });
    } catch (RuntimeException e) {
      inFlight.arriveAndDeregister();
      throw e;
    }
  }

  /** Waits until every task started so far has finished (tests read the outbox after this). */
  public void awaitIdle(Duration timeout) {
    try {
      inFlight.awaitAdvanceInterruptibly(
          inFlight.arrive(), timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      throw new IllegalStateException("background tasks still running after " + timeout, e);
    }
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "background tasks cut short at close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
