package org.userman.session.internal;

import java.time.Instant;
import org.jdbi.v3.core.Handle;

/** Ends a user's sessions inside another feature's transaction (a password change, a reset, disabling). */
public final class SessionRevoker {
  private final SessionStore store;

  public SessionRevoker(SessionStore store) {
    this.store = store;
  }

  /** Ends every session of the user except {@code keepSessionId} (which may be null). */
  public void revokeAll(Handle h, String userId, String keepSessionId, Instant now) {
    store.revokeAll(h, userId, keepSessionId, now);
  }
}
