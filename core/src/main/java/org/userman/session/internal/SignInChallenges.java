package org.userman.session.internal;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for sign-ins that wait for their second factor, by the SHA-256 of their challenge. */
final class SignInChallenges {
  /** A waiting sign-in. */
  record Pending(
      String userId,
      String device,
      boolean cookie,
      Instant expiresAt,
      int attempts,
      String organizationId) {}

  void insert(
      Handle h,
      String hash,
      String userId,
      String device,
      boolean cookie,
      String organizationId,
      Instant now,
      Instant exp) {
    h.createUpdate("DELETE FROM sign_in_challenges WHERE user_id = :user AND expires_at <= :now")
        .bind("user", userId)
        .bind("now", now.toEpochMilli())
        .execute();
    h.createUpdate(
            "INSERT INTO sign_in_challenges (token_hash, user_id, device, cookie, created_at, expires_at,"
                + " attempts, organization_id) VALUES (:hash, :user, :device, :cookie, :now, :exp, 0,"
                + " :org)")
        .bind("org", organizationId)
        .bind("hash", hash)
        .bind("user", userId)
        .bind("device", device)
        .bind("cookie", cookie ? 1 : 0)
        .bind("now", now.toEpochMilli())
        .bind("exp", exp.toEpochMilli())
        .execute();
  }

  Optional<Pending> find(Handle h, String hash) {
    return h.createQuery(
            "SELECT user_id, device, cookie, expires_at, attempts, organization_id"
                + " FROM sign_in_challenges"
                + " WHERE token_hash = :hash")
        .bind("hash", hash)
        .map(
            (rs, ctx) ->
                new Pending(
                    rs.getString("user_id"),
                    rs.getString("device"),
                    rs.getInt("cookie") == 1,
                    Instant.ofEpochMilli(rs.getLong("expires_at")),
                    rs.getInt("attempts"),
                    rs.getString("organization_id")))
        .findOne();
  }

  /** Counts a wrong proof; the challenge ends at the {@code max}th. */
  void failed(Handle h, String hash, int max) {
    h.createUpdate("UPDATE sign_in_challenges SET attempts = attempts + 1 WHERE token_hash = :hash")
        .bind("hash", hash)
        .execute();
    h.createUpdate("DELETE FROM sign_in_challenges WHERE token_hash = :hash AND attempts >= :max")
        .bind("hash", hash)
        .bind("max", max)
        .execute();
  }

  /** Ends the challenge; false when it was gone already (used by a concurrent request). */
  boolean take(Handle h, String hash) {
    return h.createUpdate("DELETE FROM sign_in_challenges WHERE token_hash = :hash")
            .bind("hash", hash)
            .execute()
        == 1;
  }

  /** Drops the challenges that expired before {@code now}. */
  int prune(Handle h, Instant now) {
    return h.createUpdate("DELETE FROM sign_in_challenges WHERE expires_at <= :now")
        .bind("now", now.toEpochMilli())
        .execute();
  }
}
