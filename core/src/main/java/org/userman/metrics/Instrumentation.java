package org.userman.metrics;

import org.userman.limit.LimitRule;

/**
 * What the library tells a metrics or tracing system as it works: sign-in outcomes, password
 * hashing time, rate-limit refusals, cache lookups, failed deliveries, the connection pool, and the
 * steps of a request's work (its database transactions and reads, its password hashing) for traces.
 * The library has no metrics or tracing dependency of its own; a program that wants them passes an
 * implementation to {@code Userman.open}, and {@link #NONE}, the default, costs a call that does
 * nothing.
 *
 * <p>Calls come from request threads and the library's own threads, concurrently: an implementation
 * must be thread-safe and quick (it runs inside every sign-in and authenticated request). Nothing
 * passed identifies a user, an address or a secret.
 */
public interface Instrumentation {
  /** Records nothing. */
  Instrumentation NONE = new Instrumentation() {};

  /** How a sign-in step ended. */
  enum SignInOutcome {
    /** Signed in: a session started. */
    OK,
    /** The password was right and a second factor is asked for next. */
    SECOND_FACTOR,
    /** Unknown login, wrong password or wrong second factor (they answer alike). */
    WRONG,
    /** Refused by a rate limit before any check. */
    LIMITED,
    /** The password was right, but the account is pending or disabled. */
    NOT_ACTIVE;

    /** The label value: {@code ok}, {@code second_factor}, {@code wrong}... */
    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A queue of outgoing deliveries that retries failures. */
  enum Queue {
    MAIL,
    WEBHOOK
  }

  /**
   * A piece of the current thread's work, from its start to {@link #close}: what a trace shows as a
   * span inside the request's span.
   */
  interface Step extends AutoCloseable {
    /** A step that records nothing. */
    Step NONE = () -> {};

    /** The step ended (normally or by an exception). */
    @Override
    void close();
  }

  /**
   * A step of work starts on the current thread: {@code db.transaction}, {@code db.read}, {@code
   * password.hash} (a password's hashing or check, the wait for a hashing thread included). The
   * caller closes it.
   */
  default Step step(String name) {
    return Step.NONE;
  }

  /** A sign-in step (password, second factor or passkey) ended so. */
  default void signIn(SignInOutcome outcome) {}

  /** One Argon2id computation (a hash or a verification) took {@code nanos}, waiting excluded. */
  default void passwordHashed(long nanos) {}

  /** {@code rule} refused a request. */
  default void rateLimited(LimitRule rule) {}

  /**
   * A per-request read looked in the cache {@code cache} ({@code sessions}, {@code api_keys},
   * {@code users}) and found a current entry ({@code hit}) or read the database.
   */
  default void cacheLookup(String cache, boolean hit) {}

  /** A delivery of {@code queue} failed; {@code gaveUp}: for good, else it will be retried. */
  default void deliveryFailed(Queue queue, boolean gaveUp) {}

  /**
   * The connection pool opened; what it returns hears of each connection's acquisition, use and
   * creation. Called once per pool, before the pool's first connection.
   */
  default PoolObserver connectionPool(String name, PoolState state) {
    return PoolObserver.NONE;
  }
}
