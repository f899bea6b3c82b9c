package org.userman.session.internal;

import java.time.Instant;
import org.jdbi.v3.core.Handle;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.store.Dialect;

/**
 * What other features do to sessions inside their own transactions: end a user's sessions (a
 * password change, a reset, disabling), and hold the session a credential change comes through, so
 * that a recovery that ends it at the same moment wins instead of being undone.
 */
public final class SessionControl {
  private final SessionStore store;
  private final Dialect dialect;

  public SessionControl(SessionStore store, Dialect dialect) {
    this.store = store;
    this.dialect = dialect;
  }

  /** Ends every session of the user except {@code keepSessionId} (which may be null). */
  public void revokeAll(Handle h, String userId, String keepSessionId, Instant now) {
    store.revokeAll(h, userId, keepSessionId, now);
  }

  /**
   * Locks the session's row until the transaction ends and fails with {@code unauthenticated}
   * unless the session is live: a change made through it then commits only while it lives, and a
   * concurrent sign-out or recovery (which updates that row) is waited for and seen. Nothing to do
   * for a null id (an API key, the command line).
   */
  public void requireLive(Handle h, String sessionId, Instant now) {
    if (sessionId == null) {
      return;
    }
    boolean live =
        h.createQuery(
                "SELECT id FROM sessions WHERE id = :id AND revoked_at IS NULL AND expires_at > :now"
                    + dialect.forUpdate())
            .bind("id", sessionId)
            .bind("now", now.toEpochMilli())
            .mapTo(String.class)
            .findOne()
            .isPresent();
    if (!live) {
      throw new UsermanException(
          ErrorCode.UNAUTHENTICATED, "The credential is missing, invalid, expired or revoked.");
    }
  }
}
