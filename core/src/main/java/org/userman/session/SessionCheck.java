package org.userman.session;

import java.time.Clock;
import org.userman.account.UserStatus;
import org.userman.store.Database;

/** The per-request revocation check: one indexed lookup of the session joined with its user. */
public final class SessionCheck {
  private final Database db;
  private final SessionStore store;
  private final Clock clock;

  public SessionCheck(Database db, SessionStore store, Clock clock) {
    this.db = db;
    this.store = store;
    this.clock = clock;
  }

  public boolean isLive(String sessionId, String userId) {
    return db.read(h -> store.liveCheck(h, sessionId))
        .filter(c -> c.userId().equals(userId))
        .filter(c -> !c.revoked())
        .filter(c -> c.expiresAtMillis() > clock.millis())
        .filter(c -> UserStatus.ACTIVE.wire().equals(c.userStatus()))
        .isPresent();
  }
}
