package org.userman.account.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.userman.internal.Secrets;

/**
 * Tokens sent by mail: single use, expiring, stored as hashes. Issuing one deletes the user's
 * earlier tokens of that kind, so only the newest mail works.
 */
public final class OneTimeTokens {
  /** What a token proves and allows. */
  public enum Kind {
    VERIFY_EMAIL,
    CHANGE_EMAIL,
    RESET_PASSWORD
  }

  /** A valid token's meaning: the user, and the address the mail went to. */
  public record Grant(String userId, Kind kind, String email) {}

  private final Secrets secrets;
  private final Clock clock;

  public OneTimeTokens(Secrets secrets, Clock clock) {
    this.secrets = secrets;
    this.clock = clock;
  }

  /** Makes a new token for {@code email}, superseding the user's earlier ones of this kind. */
  public String issue(Handle h, String userId, Kind kind, String email, Duration ttl) {
    Instant now = clock.instant();
    h.createUpdate("DELETE FROM one_time_tokens WHERE user_id = :user AND kind = :kind")
        .bind("user", userId)
        .bind("kind", kind.name())
        .execute();
    String token = secrets.newToken();
    h.createUpdate(
            "INSERT INTO one_time_tokens (token_hash, user_id, kind, email, created_at, expires_at)"
                + " VALUES (:hash, :user, :kind, :email, :now, :expires)")
        .bind("hash", Secrets.hash(token))
        .bind("user", userId)
        .bind("kind", kind.name())
        .bind("email", email)
        .bind("now", now.toEpochMilli())
        .bind("expires", now.plus(ttl).toEpochMilli())
        .execute();
    return token;
  }

  /**
   * Ends the user's pending tokens of {@code kinds}: what recovering an account, or moving it to
   * another address, leaves of what was mailed before must not work any more.
   */
  public void revoke(Handle h, String userId, Set<Kind> kinds) {
    h.createUpdate("DELETE FROM one_time_tokens WHERE user_id = :user AND kind IN (<kinds>)")
        .bind("user", userId)
        .bindList("kinds", kinds.stream().map(Kind::name).toList())
        .execute();
  }

  /** Ends every pending token of the user, of every kind. */
  public void revokeAll(Handle h, String userId) {
    revoke(h, userId, java.util.EnumSet.allOf(Kind.class));
  }

  /** The grant of a usable token of one of {@code kinds}, without spending it. */
  public Optional<Grant> peek(Handle h, Set<Kind> kinds, String token) {
    if (token == null || token.isEmpty() || token.length() > 200) {
      return Optional.empty();
    }
    return h.createQuery(
            "SELECT user_id, kind, email FROM one_time_tokens WHERE token_hash = :hash"
                + " AND used_at IS NULL AND expires_at > :now")
        .bind("hash", Secrets.hash(token))
        .bind("now", clock.millis())
        .map(
            (rs, ctx) -> new Grant(rs.getString(1), Kind.valueOf(rs.getString(2)), rs.getString(3)))
        .findOne()
        .filter(g -> kinds.contains(g.kind()));
  }

  /** Spends a usable token of one of {@code kinds}; empty when it is unknown, used or expired. */
  public Optional<Grant> consume(Handle h, Set<Kind> kinds, String token) {
    Optional<Grant> grant = peek(h, kinds, token);
    if (grant.isEmpty()) {
      return grant;
    }
    int spent =
        h.createUpdate(
                "UPDATE one_time_tokens SET used_at = :now WHERE token_hash = :hash AND used_at IS NULL")
            .bind("hash", Secrets.hash(token))
            .bind("now", clock.millis())
            .execute();
    return spent == 1 ? grant : Optional.empty();
  }
}
