package org.userman.limit.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketExceptions;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.select_for_update.AbstractSelectForUpdateBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.select_for_update.LockAndGetResult;
import io.github.bucket4j.distributed.proxy.generic.select_for_update.SelectForUpdateBasedTransaction;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.userman.limit.Limit;
import org.userman.store.Dialect;
import org.userman.store.internal.Database;

/**
 * Buckets in the database, shared by every node, so a limit holds however a load balancer spreads
 * the requests. Bucket4j's select-for-update template does the locking and the bucket arithmetic;
 * this class only gives it the SQL of the table {@code rate_limit_buckets} (Bucket4j's own MySQL
 * module is not available to this build, and one adapter serves PostgreSQL and MariaDB alike).
 */
final class SqlBuckets extends AbstractSelectForUpdateBasedProxyManager<String>
    implements BucketSource {
  /** A bucket untouched this long is full again under every limit, so its row can go. */
  private static final Duration IDLE = Duration.ofDays(1);

  private final Database db;
  private final Clock clock;
  private final String insert;
  private final HotBuckets hot = new HotBuckets();

  SqlBuckets(Database db, Clock clock) {
    super(ClientSideConfig.getDefault().withClientClock(BucketSource.timeOf(clock)));
    this.db = db;
    this.clock = clock;
    this.insert =
        db.dialect() == Dialect.POSTGRESQL
            ? "INSERT INTO rate_limit_buckets (id, state, updated_at) VALUES (?, NULL, ?) ON CONFLICT (id) DO NOTHING"
            : "INSERT IGNORE INTO rate_limit_buckets (id, state, updated_at) VALUES (?, NULL, ?)";
  }

  @Override
  public BucketProxy bucket(String key, Limit limit) {
    return builder().build(key, () -> BucketSource.configuration(limit));
  }

  @Override
  public Bucket hotBucket(String key, Limit limit) {
    return hot.bucket(this, key, limit);
  }

  @Override
  public int prune() {
    long cutoff = clock.instant().minus(IDLE).toEpochMilli();
    return db.tx(
        h ->
            h.createUpdate("DELETE FROM rate_limit_buckets WHERE updated_at < :cutoff")
                .bind("cutoff", cutoff)
                .execute());
  }

  @Override
  public void removeProxy(String key) {
    db.tx(
        h ->
            h.createUpdate("DELETE FROM rate_limit_buckets WHERE id = :id")
                .bind("id", key)
                .execute());
  }

  @Override
  protected SelectForUpdateBasedTransaction allocateTransaction(
      String key, Optional<Long> timeoutNanos) {
    Connection connection;
    try {
      connection = db.connection();
    } catch (SQLException e) {
      throw new BucketExceptions.BucketExecutionException(e);
    }
    return new SelectForUpdateBasedTransaction() {
      @Override
      public void begin(Optional<Long> timeout) {
        run(() -> connection.setAutoCommit(false));
      }

      @Override
      public LockAndGetResult tryLockAndGet(Optional<Long> timeout) {
        try (PreparedStatement st =
            connection.prepareStatement(
                "SELECT state FROM rate_limit_buckets WHERE id = ? FOR UPDATE")) {
          applyTimeout(st, timeout);
          st.setString(1, key);
          try (ResultSet rs = st.executeQuery()) {
            return rs.next()
                ? LockAndGetResult.locked(rs.getBytes(1))
                : LockAndGetResult.notLocked();
          }
        } catch (SQLException e) {
          throw new BucketExceptions.BucketExecutionException(e);
        }
      }

      @Override
      public boolean tryInsertEmptyData(Optional<Long> timeout) {
        // A concurrent insert of the same key makes this a no-op; the caller then locks the row.
        try (PreparedStatement st = connection.prepareStatement(insert)) {
          applyTimeout(st, timeout);
          st.setString(1, key);
          st.setLong(2, clock.millis());
          st.executeUpdate();
          return true;
        } catch (SQLException e) {
          throw new BucketExceptions.BucketExecutionException(e);
        }
      }

      @Override
      public void update(byte[] data, RemoteBucketState state, Optional<Long> timeout) {
        try (PreparedStatement st =
            connection.prepareStatement(
                "UPDATE rate_limit_buckets SET state = ?, updated_at = ? WHERE id = ?")) {
          applyTimeout(st, timeout);
          st.setBytes(1, data);
          st.setLong(2, clock.millis());
          st.setString(3, key);
          st.executeUpdate();
        } catch (SQLException e) {
          throw new BucketExceptions.BucketExecutionException(e);
        }
      }

      @Override
      public void commit(Optional<Long> timeout) {
        run(connection::commit);
      }

      // Rollback and release run after a failure too, on a connection that may be gone: they must
      // not throw, or their error would hide the one that says what happened (a database outage).
      @Override
      public void rollback() {
        quietly(connection::rollback);
      }

      @Override
      public void release() {
        quietly(connection::close);
      }
    };
  }

  private interface SqlAction {
    void run() throws SQLException;
  }

  private static void quietly(SqlAction action) {
    try {
      action.run();
    } catch (SQLException | RuntimeException e) {
      // see the comment at rollback()
    }
  }

  private static void run(SqlAction action) {
    try {
      action.run();
    } catch (SQLException e) {
      throw new BucketExceptions.BucketExecutionException(e);
    }
  }
}
