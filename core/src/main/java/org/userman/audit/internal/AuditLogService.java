package org.userman.audit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.userman.audit.AuditEvent;
import org.userman.audit.AuditLog;
import org.userman.audit.AuditQuery;
import org.userman.audit.AuditType;
import org.userman.common.Actor;
import org.userman.common.Page;
import org.userman.internal.Ids;
import org.userman.store.internal.Database;
import org.userman.store.internal.RowBatch;
import org.userman.store.internal.Writes;

/**
 * The record of what happened to every account. An event is written in the same transaction as the
 * change it describes, so an acknowledged change never lacks its event; failed attempts (a wrong
 * password, say) are written on their own. Events older than the retention are pruned.
 */
public final class AuditLogService implements AuditLog {
  private static final int MAX_DETAIL = 320;
  private static final TypeReference<Map<String, String>> DETAILS = new TypeReference<>() {};
  private final Database db;
  private final ObjectMapper json;
  private final Ids ids;
  private final Clock clock;
  private final Duration retention;
  private final Follower follower;

  /**
   * What else a successful change's record causes, in the same transaction (the event outbox): an
   * audited change cannot lack it, and a rolled-back one has none.
   */
  public interface Follower {
    Follower NONE = (h, type, actor, subjectId, details) -> {};

    void recorded(
        Handle h, AuditType type, Actor actor, String subjectId, Map<String, String> details);

    /** The same change recorded for each of {@code subjectIds} (an import's batch). */
    default void recordedAll(
        Handle h,
        AuditType type,
        Actor actor,
        List<String> subjectIds,
        Map<String, String> details) {
      for (String subject : subjectIds) {
        recorded(h, type, actor, subject, details);
      }
    }
  }

  public AuditLogService(
      Database db, ObjectMapper json, Ids ids, Clock clock, Duration retention, Follower follower) {
    this.db = db;
    this.follower = follower;
    this.json = json;
    this.ids = ids;
    this.clock = clock;
    this.retention = retention;
  }

  /** Records a successful change inside the caller's transaction. */
  public void record(
      Handle h, AuditType type, Actor actor, String subjectId, Map<String, String> details) {
    insert(h, type, actor, subjectId, true, details);
    follower.recorded(h, type, actor, subjectId, details);
  }

  /**
   * Records one successful change of a kind for each of {@code subjectIds}, as one batch of
   * statements inside the caller's transaction (an import's users).
   */
  public void recordAll(
      Handle h, AuditType type, Actor actor, List<String> subjectIds, Map<String, String> details) {
    if (subjectIds.isEmpty()) {
      return;
    }
    long at = clock.instant().toEpochMilli();
    String written = write(details);
    try (RowBatch batch =
        RowBatch.prepare(
            h,
            "INSERT INTO audit_events (id, type, at, actor_id, subject_id, ip, user_agent, success,"
                + " details) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)")) {
      for (String subject : subjectIds) {
        batch
            .text(ids.next())
            .text(type.code())
            .number(at)
            .text(actor.userId())
            .text(subject)
            .text(actor.client().ip())
            .text(actor.client().userAgent())
            .text(written)
            .add();
      }
      batch.execute();
    }
    follower.recordedAll(h, type, actor, subjectIds, details);
  }

  /** Records a refused attempt inside the caller's transaction (a write came of it). */
  public void recordRefused(
      Handle h, AuditType type, Actor actor, String subjectId, Map<String, String> details) {
    insert(h, type, actor, subjectId, false, details);
  }

  /** Records a refused attempt in a transaction of its own. */
  public void recordFailure(
      AuditType type, Actor actor, String subjectId, Map<String, String> details) {
    db.tx(
        h -> {
          insert(h, type, actor, subjectId, false, details);
          return null;
        });
  }

  private void insert(
      Handle h,
      AuditType type,
      Actor actor,
      String subjectId,
      boolean success,
      Map<String, String> details) {
    Writes.update(
            h,
            "INSERT INTO audit_events (id, type, at, actor_id, subject_id, ip, user_agent, success, details)"
                + " VALUES (:id, :type, :at, :actor, :subject, :ip, :ua, :success, :details)")
        .bind("id", ids.next())
        .bind("type", type.code())
        .bind("at", clock.instant().toEpochMilli())
        .bind("actor", actor.userId())
        .bind("subject", subjectId)
        .bind("ip", actor.client().ip())
        .bind("ua", actor.client().userAgent())
        .bind("success", success ? 1 : 0)
        .bind("details", write(details))
        .execute();
  }

  /** Newest first. */
  @Override
  public Page<AuditEvent> list(AuditQuery q) {
    return db.read(
        h -> {
          StringBuilder sql =
              new StringBuilder(
                  "SELECT id, type, at, actor_id, subject_id, ip, user_agent, success, details"
                      + " FROM audit_events WHERE 1 = 1");
          if (q.beforeId() != null) {
            sql.append(" AND id < :before");
          }
          if (q.userId() != null) {
            sql.append(" AND subject_id = :user");
          }
          if (q.type() != null) {
            sql.append(" AND type = :type");
          }
          if (q.since() != null) {
            sql.append(" AND at >= :since");
          }
          if (q.until() != null) {
            sql.append(" AND at < :until");
          }
          sql.append(" ORDER BY id DESC LIMIT :limit");
          Query query = h.createQuery(sql.toString()).bind("limit", q.limit() + 1);
          if (q.beforeId() != null) {
            query.bind("before", q.beforeId());
          }
          if (q.userId() != null) {
            query.bind("user", q.userId());
          }
          if (q.type() != null) {
            query.bind("type", q.type().code());
          }
          if (q.since() != null) {
            query.bind("since", q.since().toEpochMilli());
          }
          if (q.until() != null) {
            query.bind("until", q.until().toEpochMilli());
          }
          return Page.of(
              query
                  .map(
                      (rs, ctx) ->
                          new AuditEvent(
                              rs.getString("id"),
                              AuditType.fromCode(rs.getString("type")).orElseThrow(),
                              Instant.ofEpochMilli(rs.getLong("at")),
                              rs.getString("actor_id"),
                              rs.getString("subject_id"),
                              rs.getString("ip"),
                              rs.getString("user_agent"),
                              rs.getInt("success") == 1,
                              read(rs.getString("details"))))
                  .list(),
              q.limit(),
              AuditEvent::id);
        });
  }

  /** Deletes the events older than the retention; returns how many. */
  @Override
  public int prune() {
    long cutoff = clock.instant().minus(retention).toEpochMilli();
    return db.tx(
        h ->
            h.createUpdate("DELETE FROM audit_events WHERE at < :cutoff")
                .bind("cutoff", cutoff)
                .execute());
  }

  public Duration retention() {
    return retention;
  }

  private String write(Map<String, String> details) {
    if (details.isEmpty()) {
      return null;
    }
    Map<String, String> bounded = new java.util.TreeMap<>();
    details.forEach(
        (k, v) -> bounded.put(k, v.length() > MAX_DETAIL ? v.substring(0, MAX_DETAIL) : v));
    try {
      return json.writeValueAsString(bounded);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, String> read(String details) {
    if (details == null) {
      return Map.of();
    }
    try {
      return json.readValue(details, DETAILS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable audit details", e);
    }
  }
}
