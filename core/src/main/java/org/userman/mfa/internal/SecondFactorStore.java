package org.userman.mfa.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.userman.mfa.FactorStatus;

/** SQL for TOTP factors and recovery codes. */
final class SecondFactorStore {
  /** A user's TOTP factor: the sealed secret, and whether its enrolment was confirmed. */
  record TotpRow(String sealedSecret, boolean confirmed, long lastStep) {}

  Optional<TotpRow> totp(Handle h, String userId) {
    return h.createQuery(
            "SELECT secret, confirmed_at, last_step FROM totp_factors WHERE user_id = :user")
        .bind("user", userId)
        .map(
            (rs, ctx) -> {
              String secret = rs.getString("secret");
              rs.getLong("confirmed_at");
              boolean confirmed = !rs.wasNull();
              return new TotpRow(secret, confirmed, rs.getLong("last_step"));
            })
        .findOne();
  }

  /** A new enrolment, in place of one not confirmed; false when TOTP is on already. */
  boolean begin(Handle h, String userId, String sealedSecret, Instant now) {
    h.createUpdate("DELETE FROM totp_factors WHERE user_id = :user AND confirmed_at IS NULL")
        .bind("user", userId)
        .execute();
    if (totp(h, userId).isPresent()) {
      return false;
    }
    h.createUpdate(
            "INSERT INTO totp_factors (user_id, secret, created_at, last_step)"
                + " VALUES (:user, :secret, :now, 0)")
        .bind("user", userId)
        .bind("secret", sealedSecret)
        .bind("now", now.toEpochMilli())
        .execute();
    return true;
  }

  /**
   * Confirms the pending enrolment with the step of its first code; false if it was not pending.
   */
  boolean confirm(Handle h, String userId, long step, Instant now) {
    return h.createUpdate(
                "UPDATE totp_factors SET confirmed_at = :now, last_step = :step"
                    + " WHERE user_id = :user AND confirmed_at IS NULL")
            .bind("user", userId)
            .bind("step", step)
            .bind("now", now.toEpochMilli())
            .execute()
        == 1;
  }

  /**
   * Spends the code of {@code step}: false when a code of this step or a later one was accepted
   * already (by this request's twin on another node, say).
   */
  boolean spendStep(Handle h, String userId, long step) {
    return h.createUpdate(
                "UPDATE totp_factors SET last_step = :step"
                    + " WHERE user_id = :user AND confirmed_at IS NOT NULL AND last_step < :step")
            .bind("user", userId)
            .bind("step", step)
            .execute()
        == 1;
  }

  /** Removes TOTP and the recovery codes; whether there was TOTP (on or pending) to remove. */
  boolean removeAll(Handle h, String userId) {
    h.createUpdate("DELETE FROM recovery_codes WHERE user_id = :user")
        .bind("user", userId)
        .execute();
    return h.createUpdate("DELETE FROM totp_factors WHERE user_id = :user")
            .bind("user", userId)
            .execute()
        > 0;
  }

  void replaceRecoveryCodes(Handle h, String userId, List<String> hashes, Instant now) {
    h.createUpdate("DELETE FROM recovery_codes WHERE user_id = :user")
        .bind("user", userId)
        .execute();
    var batch =
        h.prepareBatch(
            "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (:user, :hash, :now)");
    for (String hash : hashes) {
      batch.bind("user", userId).bind("hash", hash).bind("now", now.toEpochMilli()).add();
    }
    batch.execute();
  }

  /** Spends a recovery code; false when it is not one of the user's unused codes. */
  boolean spendRecoveryCode(Handle h, String userId, String hash, Instant now) {
    return h.createUpdate(
                "UPDATE recovery_codes SET used_at = :now"
                    + " WHERE user_id = :user AND code_hash = :hash AND used_at IS NULL")
            .bind("user", userId)
            .bind("hash", hash)
            .bind("now", now.toEpochMilli())
            .execute()
        == 1;
  }

  /**
   * Whether the user has TOTP on (or pending) and how many recovery codes are left, in one query: a
   * sign-in asks this of every account.
   */
  FactorStatus status(Handle h, String userId) {
    return h.createQuery(
            "SELECT (SELECT COUNT(*) FROM totp_factors WHERE user_id = :user AND confirmed_at IS NOT NULL),"
                + " (SELECT COUNT(*) FROM totp_factors WHERE user_id = :user AND confirmed_at IS NULL),"
                + " (SELECT COUNT(*) FROM recovery_codes WHERE user_id = :user AND used_at IS NULL)")
        .bind("user", userId)
        .map((rs, ctx) -> new FactorStatus(rs.getInt(1) > 0, rs.getInt(2) > 0, rs.getInt(3)))
        .one();
  }

  int recoveryCodesLeft(Handle h, String userId) {
    return h.createQuery(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = :user AND used_at IS NULL")
        .bind("user", userId)
        .mapTo(Integer.class)
        .one();
  }

  Optional<String> emailOf(Handle h, String userId) {
    return h.createQuery("SELECT email FROM users WHERE id = :id")
        .bind("id", userId)
        .mapTo(String.class)
        .findOne();
  }
}
