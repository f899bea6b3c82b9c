package org.userman.event.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.event.Event;
import org.userman.event.EventType;
import org.userman.internal.Ids;
import org.userman.store.internal.RowBatch;
import org.userman.store.internal.Writes;

/**
 * Writes the events of each change into the outbox, in the change's transaction. It follows the
 * audit log, which every change already writes in its transaction, and turns the successful changes
 * among its records into events: so no change can be audited and lack its event. The payload is
 * built from named details only (ids, field names, statuses, roles), never from free text, so
 * nothing secret can reach it. After the transaction commits, the events go to the listeners.
 */
public final class EventOutbox implements AuditLogService.Follower {
  /** Whatever else must happen in the transaction that writes an event (webhook deliveries). */
  public interface Sink {
    /** The events of one change, or of one batch of an import: each of them written. */
    void written(Handle h, List<Event> events);
  }

  private static final String INSERT =
      "INSERT INTO events (id, type, user_id, payload, created_at)"
          + " VALUES (:id, :type, :user, :payload, :at)";

  private final ObjectMapper json;
  private final Ids ids;
  private final Clock clock;
  private final EventDispatcher dispatcher;
  private final List<Sink> sinks;

  public EventOutbox(
      ObjectMapper json, Ids ids, Clock clock, EventDispatcher dispatcher, List<Sink> sinks) {
    this.json = json;
    this.ids = ids;
    this.clock = clock;
    this.dispatcher = dispatcher;
    this.sinks = List.copyOf(sinks);
  }

  @Override
  public void recorded(
      Handle h, AuditType audit, Actor actor, String userId, Map<String, String> details) {
    // a record may have no subject (a webhook's change), which has no event either
    recordedAll(h, audit, actor, Collections.singletonList(userId), details);
  }

  /**
   * One statement for all the events of a batch, which an import writes by the hundred: a statement
   * per user would cost the import more than its own inserts.
   */
  @Override
  public void recordedAll(
      Handle h, AuditType audit, Actor actor, List<String> userIds, Map<String, String> details) {
    EventType type = typeOf(audit, details);
    if (type == null || userIds.isEmpty()) {
      return;
    }
    Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    List<Event> events = new ArrayList<>(userIds.size());
    if (userIds.size() == 1) {
      // one change's event goes with the change's other writes (see Writes)
      String userId = userIds.getFirst();
      String id = ids.next();
      Map<String, Object> data = data(audit, type, actor, userId, details);
      Event event =
          new Event(id, type, at, userId, actor.userId(), data, write(body(type, at, id, data)));
      Writes.update(h, INSERT)
          .bind("id", event.id())
          .bind("type", type.code())
          .bind("user", event.userId())
          .bind("payload", event.payload())
          .bind("at", at.toEpochMilli())
          .execute();
      events.add(event);
    } else {
      // The payloads of a batch differ only in the event's id and the user's: Jackson writes one,
      // and each event's is that one with its own two ids put in.
      Payloads payloads =
          new Payloads(body(type, at, ID_MARK, data(audit, type, actor, USER_MARK, details)));
      try (RowBatch insert =
          RowBatch.prepare(
              h,
              "INSERT INTO events (id, type, user_id, payload, created_at) VALUES (?, ?, ?, ?, ?)")) {
        for (String userId : userIds) {
          String id = ids.next();
          Map<String, Object> data = data(audit, type, actor, userId, details);
          String payload = payloads.of(id, userId);
          if (payload == null) {
            payload = write(body(type, at, id, data));
          }
          Event event = new Event(id, type, at, userId, actor.userId(), data, payload);
          insert
              .text(event.id())
              .text(type.code())
              .text(userId)
              .text(event.payload())
              .number(at.toEpochMilli())
              .add();
          events.add(event);
        }
        insert.execute();
      }
    }
    for (Sink sink : sinks) {
      sink.written(h, events);
    }
    if (dispatcher.wanted(type)) {
      h.afterCommit(() -> events.forEach(dispatcher::committed));
    }
  }

  private static Map<String, Object> data(
      AuditType audit, EventType type, Actor actor, String userId, Map<String, String> details) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("user_id", userId);
    data.put("actor_id", actor.userId());
    if (audit == AuditType.EMAIL_VERIFIED) {
      data.put("changed_fields", List.of("email_verified"));
    } else {
      data.putAll(dataOf(type, details));
    }
    return data;
  }

  private static Map<String, Object> body(
      EventType type, Instant at, String id, Map<String, Object> data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("type", type.code());
    body.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(at));
    body.put("data", data);
    return body;
  }

  private String write(Map<String, Object> body) {
    try {
      return json.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stand-ins for the two ids in the payload that {@link Payloads} is made from. */
  private static final String ID_MARK = "event-id-mark";

  private static final String USER_MARK = "user-id-mark";

  /**
   * The payload of every event of a batch, from one that Jackson wrote with {@link #ID_MARK} and
   * {@link #USER_MARK} for the event's id and the user's. Ids are plain ASCII that JSON writes as
   * they are; any other value (and a template without exactly one of each stand-in) is left to
   * Jackson.
   */
  private final class Payloads {
    private final String before;
    private final String between;
    private final String after;

    Payloads(Map<String, Object> template) {
      String written = write(template);
      String id = '"' + ID_MARK + '"';
      String user = '"' + USER_MARK + '"';
      int i = written.indexOf(id);
      int u = written.indexOf(user);
      if (i < 0 || u < i || written.indexOf(id, i + 1) >= 0 || written.indexOf(user, u + 1) >= 0) {
        before = null;
        between = null;
        after = null;
      } else {
        before = written.substring(0, i + 1);
        between = written.substring(i + id.length() - 1, u + 1);
        after = written.substring(u + user.length() - 1);
      }
    }

    /** The payload of the event {@code id} of user {@code userId}, or null: Jackson's to write. */
    String of(String id, String userId) {
      if (before == null || !plain(id) || !plain(userId)) {
        return null;
      }
      return before + id + between + userId + after;
    }

    private static boolean plain(String s) {
      if (s == null) {
        return false;
      }
      for (int k = 0; k < s.length(); k++) {
        char c = s.charAt(k);
        if (!(c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
          return false;
        }
      }
      return true;
    }
  }

  /** The event an audit record stands for, or null for records that change nothing of interest. */
  static EventType typeOf(AuditType audit, Map<String, String> details) {
    return switch (audit) {
      case REGISTERED -> EventType.USER_CREATED;
      case EMAIL_VERIFIED -> EventType.USER_UPDATED;
      case PROFILE_UPDATED ->
          details.containsKey("status") ? EventType.USER_STATUS_CHANGED : EventType.USER_UPDATED;
      case APPROVED, DISABLED, ENABLED -> EventType.USER_STATUS_CHANGED;
      case EMAIL_CHANGED -> EventType.USER_EMAIL_CHANGED;
      case ROLES_CHANGED -> EventType.USER_ROLES_CHANGED;
      case DELETED -> EventType.USER_DELETED;
      case PASSWORD_CHANGED -> EventType.PASSWORD_CHANGED;
      case PASSWORD_RESET -> EventType.PASSWORD_RESET;
      case LOGIN_SUCCEEDED -> EventType.SESSION_CREATED;
      case LOGOUT -> EventType.SESSION_REVOKED;
      case API_KEY_CREATED -> EventType.API_KEY_CREATED;
      case API_KEY_REVOKED -> EventType.API_KEY_REVOKED;
      case IMPORTED -> EventType.USER_CREATED;
      case LOGIN_FAILED, REFRESH_REUSE_DETECTED, RATE_LIMITED, LOCKED, UNLOCKED, EXPORTED -> null;
      // Second factors change how an account signs in, not the account a service sees.
      case TOTP_ENABLED,
          TOTP_DISABLED,
          RECOVERY_CODES_GENERATED,
          RECOVERY_CODE_USED,
          SECOND_FACTOR_FAILED,
          SECOND_FACTORS_RESET,
          REAUTHENTICATED,
          PASSKEY_ADDED,
          PASSKEY_RENAMED,
          PASSKEY_REMOVED,
          PASSKEY_FAILED ->
          null;
      case WEBHOOK_CREATED,
          WEBHOOK_UPDATED,
          WEBHOOK_DELETED,
          WEBHOOK_SECRET_ROTATED,
          WEBHOOK_REDELIVERED,
          WEBHOOK_DISABLED ->
          null;
      // A role's own change has no user; a forced deletion's users each get user.roles_changed.
      case ROLE_CREATED, ROLE_DELETED -> null;
      case SERVICE_ACCOUNT_CREATED,
          SERVICE_ACCOUNT_UPDATED,
          SERVICE_ACCOUNT_DELETED,
          CLIENT_SECRET_CREATED,
          CLIENT_SECRET_REVOKED,
          CLIENT_AUTH_FAILED,
          ORGANIZATION_CREATED,
          ORGANIZATION_UPDATED,
          ORGANIZATION_DELETED,
          ORGANIZATION_MEMBER_ADDED,
          ORGANIZATION_MEMBER_UPDATED,
          ORGANIZATION_MEMBER_REMOVED,
          ORGANIZATION_INVITATION_SENT,
          ORGANIZATION_INVITATION_REVOKED,
          ORGANIZATION_INVITATION_ACCEPTED ->
          null;
    };
  }

  /** The fields of each type's {@code data} besides {@code user_id} and {@code actor_id}. */
  private static Map<String, Object> dataOf(EventType type, Map<String, String> d) {
    Map<String, Object> data = new LinkedHashMap<>();
    switch (type) {
      case USER_CREATED -> {
        if (d.containsKey("format")) {
          data.put("imported", true); // an import's users: their statuses vary within one record
        } else {
          data.put("status", d.get("status"));
        }
      }
      case USER_UPDATED -> data.put("changed_fields", d.keySet().stream().sorted().toList());
      case USER_STATUS_CHANGED -> {
        data.put("status", d.get("status"));
        data.put("previous_status", d.get("previous_status"));
      }
      case USER_ROLES_CHANGED -> {
        data.put("roles", roles(d.get("roles")));
        data.put("previous_roles", roles(d.get("previous_roles")));
      }
      case PASSWORD_CHANGED -> data.put("how", d.get("how"));
      case SESSION_CREATED -> data.put("session_id", d.get("session_id"));
      case SESSION_REVOKED -> {
        data.put("session_id", d.get("session_id"));
        data.put("all", d.containsKey("sessions"));
      }
      case API_KEY_CREATED -> data.put("api_key_id", d.get("key_id"));
      case API_KEY_REVOKED -> {
        data.put("api_key_id", d.get("key_id"));
        data.put("all", d.containsKey("keys"));
      }
      case USER_EMAIL_CHANGED, USER_DELETED, PASSWORD_RESET -> {}
    }
    return data;
  }

  private static List<String> roles(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
  }
}
