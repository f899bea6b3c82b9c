package org.userman.session.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.userman.common.ClientInfo;
import org.userman.session.Session;
import org.userman.store.internal.Writes;

/** SQL for sessions and their refresh tokens. */
public final class SessionStore {

  /**
   * Inserts a session held either by a refresh token or by a browser cookie (the other is null).
   */
  void insert(Handle h, Session s, String refreshHash, String cookieHash) {
    Writes.update(
            h,
            "INSERT INTO sessions (id, user_id, device, ip, user_agent, created_at, last_used_at, expires_at,"
                + " cookie_hash, amr, authenticated_at)"
                + " VALUES (:id, :user, :device, :ip, :ua, :created, :used, :expires, :cookie, :amr, :created)")
        .bind("id", s.id())
        .bind("amr", String.join(" ", s.amr()))
        .bind("cookie", cookieHash)
        .bind("user", s.userId())
        .bind("device", s.device())
        .bind("ip", s.ip())
        .bind("ua", s.userAgent())
        .bind("created", s.createdAt().toEpochMilli())
        .bind("used", s.lastUsedAt().toEpochMilli())
        .bind("expires", s.expiresAt().toEpochMilli())
        .execute();
    if (refreshHash != null) {
      addRefreshToken(h, s.id(), refreshHash, s.createdAt());
    }
  }

  void addRefreshToken(Handle h, String sessionId, String hash, Instant now) {
    Writes.update(
            h,
            "INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (:hash, :sid, :now)")
        .bind("hash", hash)
        .bind("sid", sessionId)
        .bind("now", now.toEpochMilli())
        .execute();
  }

  /** The refresh token's state, joined with its session and user. */
  Optional<RefreshState> refreshState(Handle h, String hash) {
    return h.createQuery(
            "SELECT rt.session_id, rt.spent_at, s.user_id, s.revoked_at, s.expires_at, s.last_used_at, u.status,"
                + " s.organization_id"
                + " FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id"
                + " JOIN users u ON u.id = s.user_id WHERE rt.token_hash = :hash")
        .bind("hash", hash)
        .map(
            (rs, ctx) -> {
              rs.getLong("spent_at");
              boolean spent = !rs.wasNull();
              rs.getLong("revoked_at");
              boolean revoked = !rs.wasNull();
              return new RefreshState(
                  rs.getString("session_id"),
                  rs.getString("user_id"),
                  spent,
                  revoked,
                  Instant.ofEpochMilli(rs.getLong("expires_at")),
                  Instant.ofEpochMilli(rs.getLong("last_used_at")),
                  rs.getString("status"),
                  rs.getString("organization_id"));
            })
        .findOne();
  }

  record RefreshState(
      String sessionId,
      String userId,
      boolean spent,
      boolean revoked,
      Instant expiresAt,
      Instant lastUsedAt,
      String userStatus,
      String organizationId) {}

  /** The organization the session acts in from now on (null: none). */
  void actIn(Handle h, String sessionId, String organizationId) {
    Writes.update(h, "UPDATE sessions SET organization_id = :org WHERE id = :id")
        .bind("id", sessionId)
        .bind("org", organizationId)
        .execute();
  }

  /** Marks the token spent; false when another request spent it first. */
  boolean spend(Handle h, String hash, Instant now) {
    return h.createUpdate(
                "UPDATE refresh_tokens SET spent_at = :now WHERE token_hash = :hash AND spent_at IS NULL")
            .bind("hash", hash)
            .bind("now", now.toEpochMilli())
            .execute()
        == 1;
  }

  void touch(Handle h, String sessionId, ClientInfo client, Instant now) {
    h.createUpdate(
            "UPDATE sessions SET last_used_at = :now, ip = :ip, user_agent = :ua WHERE id = :id")
        .bind("id", sessionId)
        .bind("now", now.toEpochMilli())
        .bind("ip", client.ip())
        .bind("ua", client.userAgent())
        .execute();
  }

  public Optional<Session> findLive(Handle h, String sessionId, Instant now) {
    return h.createQuery(
            "SELECT "
                + COLUMNS
                + " FROM sessions WHERE id = :id AND revoked_at IS NULL AND expires_at > :now")
        .bind("id", sessionId)
        .bind("now", now.toEpochMilli())
        .map((rs, ctx) -> map(rs))
        .findOne();
  }

  /**
   * The user's sessions that have neither ended, nor expired, nor lain unused since {@code
   * idleSince}.
   */
  List<Session> listLive(Handle h, String userId, Instant now, Instant idleSince) {
    return h.createQuery(
            "SELECT "
                + COLUMNS
                + " FROM sessions WHERE user_id = :user AND revoked_at IS NULL AND expires_at > :now"
                + " AND last_used_at > :idle ORDER BY created_at DESC, id DESC")
        .bind("user", userId)
        .bind("now", now.toEpochMilli())
        .bind("idle", idleSince.toEpochMilli())
        .map((rs, ctx) -> map(rs))
        .list();
  }

  /** Ends one session; false when it was not a live session of {@code userId}. */
  boolean revoke(Handle h, String userId, String sessionId, Instant now) {
    return h.createUpdate(
                "UPDATE sessions SET revoked_at = :now WHERE id = :id AND user_id = :user"
                    + " AND revoked_at IS NULL AND expires_at > :now")
            .bind("id", sessionId)
            .bind("user", userId)
            .bind("now", now.toEpochMilli())
            .execute()
        == 1;
  }

  void revokeById(Handle h, String sessionId, Instant now) {
    h.createUpdate("UPDATE sessions SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
        .bind("id", sessionId)
        .bind("now", now.toEpochMilli())
        .execute();
  }

  /**
   * Ends every session of the user except {@code keepSessionId} (which may be null), and every
   * sign-in that waits for its second factor: what ends sessions (a new password, a reset,
   * disabling) also ends the sign-ins begun before it.
   */
  public void revokeAll(Handle h, String userId, String keepSessionId, Instant now) {
    h.createUpdate("DELETE FROM sign_in_challenges WHERE user_id = :user")
        .bind("user", userId)
        .execute();
    h.createUpdate(
            "UPDATE sessions SET revoked_at = :now WHERE user_id = :user AND revoked_at IS NULL AND id <> :keep")
        .bind("user", userId)
        .bind("keep", keepSessionId == null ? "" : keepSessionId)
        .bind("now", now.toEpochMilli())
        .execute();
  }

  /** The facts the per-request check needs, in one indexed lookup. */
  Optional<LiveCheck> liveCheck(Handle h, String sessionId) {
    return check(h, "s.id = :key", sessionId);
  }

  /** The same facts for the session a browser cookie holds, by the cookie's hash. */
  Optional<LiveCheck> cookieCheck(Handle h, String cookieHash) {
    return check(h, "s.cookie_hash = :key", cookieHash);
  }

  private Optional<LiveCheck> check(Handle h, String where, String key) {
    return h.createQuery(
            "SELECT s.id, s.user_id, s.revoked_at, s.expires_at, s.last_used_at, u.status FROM sessions s"
                + " JOIN users u ON u.id = s.user_id WHERE "
                + where)
        .bind("key", key)
        .map(
            (rs, ctx) -> {
              rs.getLong("revoked_at");
              boolean revoked = !rs.wasNull();
              return new LiveCheck(
                  rs.getString("id"),
                  rs.getString("user_id"),
                  revoked,
                  rs.getLong("expires_at"),
                  rs.getLong("last_used_at"),
                  rs.getString("status"));
            })
        .findOne();
  }

  record LiveCheck(
      String sessionId,
      String userId,
      boolean revoked,
      long expiresAtMillis,
      long lastUsedMillis,
      String userStatus) {}

  /** What {@link #map} reads. */
  private static final String COLUMNS =
      "id, user_id, device, ip, user_agent, created_at, last_used_at, expires_at, amr";

  private static Session map(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Session(
        rs.getString("id"),
        rs.getString("user_id"),
        rs.getString("device"),
        rs.getString("ip"),
        rs.getString("user_agent"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("last_used_at")),
        Instant.ofEpochMilli(rs.getLong("expires_at")),
        amr(rs.getString("amr")));
  }

  /** Sessions made before second factors existed were signed in with a password. */
  private static List<String> amr(String stored) {
    return stored == null || stored.isBlank() ? List.of("pwd") : List.of(stored.split(" "));
  }

  /**
   * When the session's user last proved who they are: its sign-in, or a later re-authentication.
   */
  Optional<Instant> authenticatedAt(Handle h, String sessionId) {
    return h.createQuery("SELECT authenticated_at, created_at FROM sessions WHERE id = :id")
        .bind("id", sessionId)
        .map(
            (rs, ctx) -> {
              long at = rs.getLong(1);
              return Instant.ofEpochMilli(rs.wasNull() ? rs.getLong(2) : at);
            })
        .findOne();
  }

  /** A fresh proof on a live session: when, and how (the methods join those it had). */
  void reauthenticated(Handle h, String sessionId, List<String> amr, Instant now) {
    h.createUpdate("UPDATE sessions SET authenticated_at = :now, amr = :amr WHERE id = :id")
        .bind("id", sessionId)
        .bind("amr", String.join(" ", amr))
        .bind("now", now.toEpochMilli())
        .execute();
  }
}
