package org.userman.account.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.userman.account.EmailHistoryEntry;
import org.userman.account.User;
import org.userman.common.Page;
import org.userman.common.Text;
import org.userman.internal.Ids;

/**
 * SQL for the addresses users gave up. The current address stays in {@code users}; a row here is
 * written when it is given up, and it keeps the address from anyone else until the reservation has
 * passed. Every method runs on the caller's handle (and transaction).
 */
public final class EmailHistory {
  /**
   * The paging key of the current address, which comes before every row: greater than any id Ids
   * makes, and of an id's shape, so a cursor can carry it.
   */
  static final String CURRENT_KEY = "ffffffff-ffff-ffff-ffff-ffffffffffff";

  private final Ids ids;

  public EmailHistory(Ids ids) {
    this.ids = ids;
  }

  /**
   * Records that {@code user} gives up their current address at {@code now}; a change of case only
   * is no new address and records nothing.
   */
  void release(Handle h, User user, String nextEmail, Instant now) {
    if (Text.fold(user.email()).equals(Text.fold(nextEmail))) {
      return;
    }
    h.createUpdate(
            "INSERT INTO email_history (id, user_id, email, email_norm, verified, from_at, until_at)"
                + " VALUES (:id, :user, :email, :norm, :verified, :from, :until)")
        .bind("id", ids.next())
        .bind("user", user.id())
        .bind("email", user.email())
        .bind("norm", Text.fold(user.email()))
        .bind("verified", user.emailVerified() ? 1 : 0)
        .bind("from", currentSince(h, user).toEpochMilli())
        .bind("until", now.toEpochMilli())
        .execute();
  }

  /** When the user's current address became theirs: when they gave up the one before, or joined. */
  private static Instant currentSince(Handle h, User user) {
    return h.createQuery("SELECT MAX(until_at) FROM email_history WHERE user_id = :user")
        .bind("user", user.id())
        .mapTo(Long.class)
        .findOne()
        .map(Instant::ofEpochMilli)
        .orElse(user.createdAt());
  }

  /**
   * Whether an account other than {@code userId} (null: any account) gave up {@code email} after
   * {@code releasedAfter}, and so still holds it.
   */
  static boolean reservedForAnother(Handle h, String email, String userId, Instant releasedAfter) {
    return h.createQuery(
                "SELECT COUNT(*) FROM email_history WHERE email_norm = :v AND until_at > :after"
                    + " AND user_id <> :user")
            .bind("v", Text.fold(email))
            .bind("after", releasedAfter.toEpochMilli())
            .bind("user", userId == null ? "" : userId)
            .mapTo(Integer.class)
            .one()
        > 0;
  }

  /**
   * Whether {@code userId} held {@code email} before (any case): taking it again is coming back to
   * it.
   */
  static boolean heldBefore(Handle h, String userId, String email) {
    return h.createQuery(
                "SELECT COUNT(*) FROM email_history WHERE user_id = :user AND email_norm = :v")
            .bind("user", userId)
            .bind("v", Text.fold(email))
            .mapTo(Integer.class)
            .one()
        > 0;
  }

  /** Which of the folded {@code emails} someone gave up after {@code releasedAfter}. */
  static List<String> reserved(Handle h, List<String> emails, Instant releasedAfter) {
    if (emails.isEmpty()) {
      return List.of();
    }
    return h.createQuery(
            "SELECT DISTINCT email_norm FROM email_history WHERE email_norm IN (<v>)"
                + " AND until_at > :after")
        .bindList("v", emails)
        .bind("after", releasedAfter.toEpochMilli())
        .mapTo(String.class)
        .list();
  }

  /**
   * A page of the user's addresses, newest first: the current one (from {@code user}) heads the
   * first page, then the ones given up, by the time they were given up.
   */
  static Page<EmailHistoryEntry> list(Handle h, User user, String afterKey, int limit) {
    List<Keyed> fetched = new ArrayList<>();
    if (afterKey == null) {
      fetched.add(
          new Keyed(
              CURRENT_KEY,
              new EmailHistoryEntry(
                  user.email(), user.emailVerified(), currentSince(h, user), null, true)));
    }
    int rows = limit + 1 - fetched.size();
    if (rows > 0) {
      h.createQuery(
              "SELECT id, email, verified, from_at, until_at FROM email_history"
                  + " WHERE user_id = :user AND id < :after ORDER BY id DESC LIMIT :limit")
          .bind("user", user.id())
          .bind("after", afterKey == null ? CURRENT_KEY : afterKey)
          .bind("limit", rows)
          .map(
              (rs, ctx) ->
                  new Keyed(
                      rs.getString(1),
                      new EmailHistoryEntry(
                          rs.getString(2),
                          rs.getInt(3) != 0,
                          Instant.ofEpochMilli(rs.getLong(4)),
                          Instant.ofEpochMilli(rs.getLong(5)),
                          false)))
          .forEach(fetched::add);
    }
    Page<Keyed> page = Page.of(fetched, limit, Keyed::key);
    return new Page<>(page.items().stream().map(Keyed::entry).toList(), page.nextAfterId());
  }

  private record Keyed(String key, EmailHistoryEntry entry) {}

  /** Forgets the user's past addresses, which frees them at once: the user is being deleted. */
  static void deleteAll(Handle h, String userId) {
    h.createUpdate("DELETE FROM email_history WHERE user_id = :user")
        .bind("user", userId)
        .execute();
  }
}
