package org.userman.mfa.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL for passkeys and their challenges. */
final class PasskeyStore {
  /** A stored passkey, with what checking its signatures needs. */
  record Row(
      String id,
      String userId,
      String name,
      String credentialId,
      String attestedData,
      long signCount,
      boolean uvInitialized,
      boolean backupEligible,
      boolean backupState,
      String transports,
      Instant createdAt,
      Instant lastUsedAt) {}

  private static final String COLUMNS =
      "id, user_id, name, credential_id, attested_data, sign_count, uv_initialized,"
          + " backup_eligible, backup_state, transports, created_at, last_used_at";

  private static final RowMapper<Row> ROW =
      (rs, ctx) -> {
        long used = rs.getLong("last_used_at");
        Instant lastUsed = rs.wasNull() ? null : Instant.ofEpochMilli(used);
        return new Row(
            rs.getString("id"),
            rs.getString("user_id"),
            rs.getString("name"),
            rs.getString("credential_id"),
            rs.getString("attested_data"),
            rs.getLong("sign_count"),
            rs.getInt("uv_initialized") == 1,
            rs.getInt("backup_eligible") == 1,
            rs.getInt("backup_state") == 1,
            rs.getString("transports"),
            Instant.ofEpochMilli(rs.getLong("created_at")),
            lastUsed);
      };

  void insert(Handle h, Row r, String credentialHash) {
    h.createUpdate(
            "INSERT INTO passkeys ("
                + COLUMNS
                + ", credential_hash) VALUES (:id, :user, :name, :cred, :data, :count, :uv, :be,"
                + " :bs, :transports, :created, NULL, :hash)")
        .bind("id", r.id())
        .bind("user", r.userId())
        .bind("name", r.name())
        .bind("cred", r.credentialId())
        .bind("data", r.attestedData())
        .bind("count", r.signCount())
        .bind("uv", r.uvInitialized() ? 1 : 0)
        .bind("be", r.backupEligible() ? 1 : 0)
        .bind("bs", r.backupState() ? 1 : 0)
        .bind("transports", r.transports())
        .bind("created", r.createdAt().toEpochMilli())
        .bind("hash", credentialHash)
        .execute();
  }

  List<Row> list(Handle h, String userId) {
    return h.createQuery(
            "SELECT " + COLUMNS + " FROM passkeys WHERE user_id = :user ORDER BY created_at, id")
        .bind("user", userId)
        .map(ROW)
        .list();
  }

  int count(Handle h, String userId) {
    return h.createQuery("SELECT COUNT(*) FROM passkeys WHERE user_id = :user")
        .bind("user", userId)
        .mapTo(Integer.class)
        .one();
  }

  Optional<Row> find(Handle h, String userId, String id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM passkeys WHERE id = :id AND user_id = :user")
        .bind("id", id)
        .bind("user", userId)
        .map(ROW)
        .findOne();
  }

  Optional<Row> byCredential(Handle h, String credentialHash) {
    return h.createQuery("SELECT " + COLUMNS + " FROM passkeys WHERE credential_hash = :hash")
        .bind("hash", credentialHash)
        .map(ROW)
        .findOne();
  }

  boolean rename(Handle h, String userId, String id, String name) {
    return h.createUpdate("UPDATE passkeys SET name = :name WHERE id = :id AND user_id = :user")
            .bind("name", name)
            .bind("id", id)
            .bind("user", userId)
            .execute()
        == 1;
  }

  boolean delete(Handle h, String userId, String id) {
    return h.createUpdate("DELETE FROM passkeys WHERE id = :id AND user_id = :user")
            .bind("id", id)
            .bind("user", userId)
            .execute()
        == 1;
  }

  /** Removes every passkey of the user; how many there were. */
  int deleteAll(Handle h, String userId) {
    return h.createUpdate("DELETE FROM passkeys WHERE user_id = :user")
        .bind("user", userId)
        .execute();
  }

  /**
   * Notes a use: the counter the authenticator reported, only forward (a concurrent use with a
   * higher count wins), and when.
   */
  void used(Handle h, String id, long signCount, boolean backupState, Instant now) {
    h.createUpdate(
            "UPDATE passkeys SET sign_count = CASE WHEN sign_count < :count THEN :count ELSE"
                + " sign_count END, backup_state = :bs, last_used_at = :now WHERE id = :id")
        .bind("count", signCount)
        .bind("bs", backupState ? 1 : 0)
        .bind("now", now.toEpochMilli())
        .bind("id", id)
        .execute();
  }

  void insertChallenge(
      Handle h, String hash, String purpose, String userId, Instant now, Instant expires) {
    h.createUpdate(
            "INSERT INTO passkey_challenges (challenge_hash, purpose, user_id, created_at,"
                + " expires_at) VALUES (:hash, :purpose, :user, :now, :exp)")
        .bind("hash", hash)
        .bind("purpose", purpose)
        .bind("user", userId)
        .bind("now", now.toEpochMilli())
        .bind("exp", expires.toEpochMilli())
        .execute();
  }

  /**
   * Spends a challenge handed out for {@code purpose} (and {@code userId}, for a registration);
   * false when it is unknown, spent, expired, or another's.
   */
  boolean takeChallenge(Handle h, String hash, String purpose, String userId, Instant now) {
    var delete =
        h.createUpdate(
                "DELETE FROM passkey_challenges WHERE challenge_hash = :hash AND purpose = :purpose"
                    + " AND expires_at > :now AND "
                    + (userId == null ? "user_id IS NULL" : "user_id = :user"))
            .bind("hash", hash)
            .bind("purpose", purpose)
            .bind("now", now.toEpochMilli());
    if (userId != null) {
      delete.bind("user", userId);
    }
    return delete.execute() == 1;
  }

  int pruneChallenges(Handle h, Instant now) {
    return h.createUpdate("DELETE FROM passkey_challenges WHERE expires_at <= :now")
        .bind("now", now.toEpochMilli())
        .execute();
  }

  Optional<String[]> emailAndName(Handle h, String userId) {
    return h.createQuery("SELECT email, name FROM users WHERE id = :id")
        .bind("id", userId)
        .map((rs, ctx) -> new String[] {rs.getString("email"), rs.getString("name")})
        .findOne();
  }
}
