package org.userman.session;

import java.time.Clock;
import java.util.Optional;
import org.userman.Secrets;
import org.userman.account.UserStatus;
import org.userman.store.Database;

/** The per-request revocation check: one indexed lookup of the session joined with its user. */
public final class SessionCheck {
  private static final int MAX_COOKIE = 200;
  private final Database db;
  private final SessionStore store;
  private final Clock clock;

  /** A live session found by its browser cookie. */
  public record CookieSession(String sessionId, String userId) {}

  public SessionCheck(Database db, SessionStore store, Clock clock) {
    this.db = db;
    this.store = store;
    this.clock = clock;
  }

  public boolean isLive(String sessionId, String userId) {
    return db.read(h -> store.liveCheck(h, sessionId))
        .filter(c -> c.userId().equals(userId))
        .filter(this::live)
        .isPresent();
  }

  /** The live session a browser cookie's secret holds, if any. */
  public Optional<CookieSession> byCookie(String secret) {
    if (secret == null || secret.isEmpty() || secret.length() > MAX_COOKIE) {
      return Optional.empty();
    }
    return db.read(h -> store.cookieCheck(h, Secrets.hash(secret)))
        .filter(this::live)
        .map(c -> new CookieSession(c.sessionId(), c.userId()));
  }

  private boolean live(SessionStore.LiveCheck c) {
    return !c.revoked() && c.expiresAtMillis() > clock.millis() && UserStatus.ACTIVE.wire().equals(c.userStatus());
  }
}
