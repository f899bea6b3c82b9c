package org.userman.webhook.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.userman.event.EventType;
import org.userman.webhook.Webhook;
import org.userman.webhook.WebhookDelivery;

/** The SQL of webhook endpoints and deliveries. */
final class WebhookStore {
  static final String ALL = "*";

  /** An endpoint row with its sealed secrets. */
  record Row(Webhook webhook, String secret, String previousSecret, Long previousSecretUntil) {}

  private WebhookStore() {}

  /** The stored form of a list of types: {@code *} for all, else {@code ,a,b,} (for LIKE). */
  static String filter(Collection<EventType> types) {
    if (types.isEmpty()) {
      return ALL;
    }
    StringBuilder b = new StringBuilder(",");
    for (EventType t : types) {
      b.append(t.code()).append(',');
    }
    return b.toString();
  }

  static List<EventType> types(String filter) {
    List<EventType> out = new ArrayList<>();
    if (!filter.equals(ALL)) {
      for (String code : filter.split(",", -1)) {
        EventType.fromCode(code).ifPresent(out::add);
      }
    }
    return out;
  }

  /** What {@link #row} reads: named, so that a column a later version adds changes no answer. */
  static final String COLUMNS =
      "id, url, description, event_filter, enabled, disabled_reason, failing_since,"
          + " previous_secret_until, created_at, updated_at, secret, previous_secret";

  static Optional<Row> find(Handle h, String id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  static Row row(ResultSet rs) throws SQLException {
    Long previousUntil = nullableLong(rs, "previous_secret_until");
    Long failing = nullableLong(rs, "failing_since");
    return new Row(
        new Webhook(
            rs.getString("id"),
            rs.getString("url"),
            rs.getString("description"),
            types(rs.getString("event_filter")),
            rs.getInt("enabled") == 1,
            rs.getString("disabled_reason"),
            failing == null ? null : Instant.ofEpochMilli(failing),
            previousUntil == null ? null : Instant.ofEpochMilli(previousUntil),
            Instant.ofEpochMilli(rs.getLong("created_at")),
            Instant.ofEpochMilli(rs.getLong("updated_at"))),
        rs.getString("secret"),
        rs.getString("previous_secret"),
        previousUntil);
  }

  static Optional<WebhookDelivery> delivery(Handle h, String endpointId, String eventId) {
    return h.createQuery(DELIVERIES + " WHERE d.endpoint_id = :endpoint AND d.event_id = :event")
        .bind("endpoint", endpointId)
        .bind("event", eventId)
        .map((rs, ctx) -> delivery(rs))
        .findOne();
  }

  static final String DELIVERIES =
      "SELECT d.event_id, d.status, d.attempts, d.response_status, d.latency_ms,"
          + " d.response_excerpt, d.last_error, d.next_attempt_at, d.created_at, d.delivered_at,"
          + " e.type FROM webhook_deliveries d JOIN events e ON e.id = d.event_id";

  static WebhookDelivery delivery(ResultSet rs) throws SQLException {
    String status = rs.getString("status");
    WebhookDelivery.Status st =
        WebhookDelivery.Status.parse(status)
            .orElseThrow(() -> new IllegalStateException("unknown delivery status " + status));
    Long code = nullableLong(rs, "response_status");
    Long latency = nullableLong(rs, "latency_ms");
    Long delivered = nullableLong(rs, "delivered_at");
    return new WebhookDelivery(
        rs.getString("event_id"),
        EventType.fromCode(rs.getString("type")).orElseThrow(),
        st,
        rs.getInt("attempts"),
        code == null ? null : code.intValue(),
        latency,
        rs.getString("response_excerpt"),
        rs.getString("last_error"),
        st == WebhookDelivery.Status.PENDING
            ? Instant.ofEpochMilli(rs.getLong("next_attempt_at"))
            : null,
        Instant.ofEpochMilli(rs.getLong("created_at")),
        delivered == null ? null : Instant.ofEpochMilli(delivered));
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
