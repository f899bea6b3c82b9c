package org.userman.session.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.userman.account.UserStatus;
import org.userman.common.ClientInfo;
import org.userman.internal.Secrets;
import org.userman.metrics.Instrumentation;
import org.userman.store.internal.Database;
import org.userman.store.internal.ReadCache;

/**
 * The per-request revocation check: one indexed lookup of the session joined with its user, kept in
 * memory until the next write this node makes or sees (see {@link ReadCache}).
 */
public final class SessionCheck {
  private static final int MAX_COOKIE = 200;
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(5);
  private final Database db;
  private final SessionStore store;
  private final Clock clock;
  private final Duration idleTimeout;
  private final ReadCache<String, SessionStore.LiveCheck> sessions;

  /** A live session found by its browser cookie. */
  public record CookieSession(String sessionId, String userId) {}

  public SessionCheck(
      Database db,
      SessionStore store,
      Clock clock,
      Duration idleTimeout,
      Instrumentation instrumentation) {
    this.db = db;
    this.store = store;
    this.clock = clock;
    this.idleTimeout = idleTimeout;
    this.sessions = new ReadCache<>(db.changes(), 100_000, "sessions", instrumentation);
  }

  public boolean isLive(String sessionId, String userId) {
    return sessions
        .get(sessionId, id -> db.read(h -> store.liveCheck(h, id)))
        .filter(c -> c.userId().equals(userId))
        .filter(this::live)
        .isPresent();
  }

  /**
   * The live session a browser cookie's secret holds, if any. Its last use (time, address, user
   * agent), shown in the list of sessions, is written at most every few minutes, not at each page.
   */
  public Optional<CookieSession> byCookie(String secret, ClientInfo client) {
    if (secret == null || secret.isEmpty() || secret.length() > MAX_COOKIE) {
      return Optional.empty();
    }
    Optional<SessionStore.LiveCheck> found =
        db.read(h -> store.cookieCheck(h, Secrets.hash(secret))).filter(this::live);
    found
        .filter(c -> clock.millis() - c.lastUsedMillis() > TOUCH_EVERY.toMillis())
        .ifPresent(
            c ->
                db.tx(
                    h -> {
                      store.touch(h, c.sessionId(), client, clock.instant());
                      return null;
                    }));
    return found.map(c -> new CookieSession(c.sessionId(), c.userId()));
  }

  /** Not ended, not expired, not unused for the idle timeout, and its user active. */
  private boolean live(SessionStore.LiveCheck c) {
    long now = clock.millis();
    return !c.revoked()
        && c.expiresAtMillis() > now
        && c.lastUsedMillis() + idleTimeout.toMillis() > now
        && UserStatus.ACTIVE.wire().equals(c.userStatus());
  }
}
