package org.userman.store.internal;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;
import org.userman.metrics.Instrumentation;
import org.userman.metrics.PoolObserver;
import org.userman.metrics.PoolState;

/**
 * HikariCP's metrics hook, turned into the library's own observer so that no Hikari type reaches
 * the API: the pool's counts become a {@link PoolState}, its events calls of a {@link
 * PoolObserver}.
 */
final class PoolMetrics implements MetricsTrackerFactory {
  private final Instrumentation instrumentation;

  PoolMetrics(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
  }

  @Override
  public IMetricsTracker create(String poolName, PoolStats stats) {
    PoolObserver observer =
        instrumentation.connectionPool(
            poolName,
            new PoolState() {
              @Override
              public int active() {
                return stats.getActiveConnections();
              }

              @Override
              public int idle() {
                return stats.getIdleConnections();
              }

              @Override
              public int pending() {
                return stats.getPendingThreads();
              }

              @Override
              public int total() {
                return stats.getTotalConnections();
              }

              @Override
              public int max() {
                return stats.getMaxConnections();
              }

              @Override
              public int min() {
                return stats.getMinConnections();
              }
            });
    return new IMetricsTracker() {
      @Override
      public void recordConnectionCreatedMillis(long millis) {
        observer.created(millis);
      }

      @Override
      public void recordConnectionAcquiredNanos(long nanos) {
        observer.acquired(nanos);
      }

      @Override
      public void recordConnectionUsageMillis(long millis) {
        observer.used(millis);
      }

      @Override
      public void recordConnectionTimeout() {
        observer.timedOut();
      }
    };
  }
}
