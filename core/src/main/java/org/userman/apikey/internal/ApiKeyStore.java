package org.userman.apikey.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.userman.apikey.ApiKey;
import org.userman.store.internal.Rows;

/** SQL for API keys. */
public final class ApiKeyStore {

  void insert(Handle h, ApiKey k, String keyHash) {
    h.createUpdate(
            "INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at, expires_at)"
                + " VALUES (:id, :user, :name, :prefix, :hash, :created, :expires)")
        .bind("id", k.id())
        .bind("user", k.userId())
        .bind("name", k.name())
        .bind("prefix", k.prefix())
        .bind("hash", keyHash)
        .bind("created", k.createdAt().toEpochMilli())
        .bind("expires", k.expiresAt() == null ? null : k.expiresAt().toEpochMilli())
        .execute();
  }

  List<ApiKey> list(Handle h, String userId) {
    return h.createQuery(
            "SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at FROM api_keys"
                + " WHERE user_id = :user ORDER BY created_at, id")
        .bind("user", userId)
        .map(
            (rs, ctx) ->
                new ApiKey(
                    rs.getString("id"),
                    rs.getString("user_id"),
                    rs.getString("name"),
                    rs.getString("prefix"),
                    Instant.ofEpochMilli(rs.getLong("created_at")),
                    Rows.instantOrNull(rs, "last_used_at"),
                    Rows.instantOrNull(rs, "expires_at")))
        .list();
  }

  int count(Handle h, String userId) {
    return h.createQuery("SELECT COUNT(*) FROM api_keys WHERE user_id = :user")
        .bind("user", userId)
        .mapTo(Integer.class)
        .one();
  }

  boolean delete(Handle h, String userId, String keyId) {
    return h.createUpdate("DELETE FROM api_keys WHERE id = :id AND user_id = :user")
            .bind("id", keyId)
            .bind("user", userId)
            .execute()
        == 1;
  }

  /** Revokes every key of the user (when disabled or deleted). */
  public void deleteAll(Handle h, String userId) {
    h.createUpdate("DELETE FROM api_keys WHERE user_id = :user").bind("user", userId).execute();
  }

  Optional<KeyCheck> check(Handle h, String keyHash) {
    return h.createQuery(
            "SELECT k.id, k.user_id, k.expires_at, k.last_used_at, u.status FROM api_keys k"
                + " JOIN users u ON u.id = k.user_id WHERE k.key_hash = :hash")
        .bind("hash", keyHash)
        .map(
            (rs, ctx) ->
                new KeyCheck(
                    rs.getString("id"),
                    rs.getString("user_id"),
                    Rows.instantOrNull(rs, "expires_at"),
                    Rows.instantOrNull(rs, "last_used_at"),
                    rs.getString("status")))
        .findOne();
  }

  record KeyCheck(
      String id, String userId, Instant expiresAt, Instant lastUsedAt, String userStatus) {}

  void touch(Handle h, String keyId, Instant now) {
    h.createUpdate("UPDATE api_keys SET last_used_at = :now WHERE id = :id")
        .bind("id", keyId)
        .bind("now", now.toEpochMilli())
        .execute();
  }
}
