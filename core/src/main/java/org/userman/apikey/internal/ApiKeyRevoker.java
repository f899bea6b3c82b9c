package org.userman.apikey.internal;

import org.jdbi.v3.core.Handle;

/** Revokes a user's API keys inside another feature's transaction (a reset, disabling). */
public final class ApiKeyRevoker {
  private final ApiKeyStore store;

  public ApiKeyRevoker(ApiKeyStore store) {
    this.store = store;
  }

  public void deleteAll(Handle h, String userId) {
    store.deleteAll(h, userId);
  }
}
