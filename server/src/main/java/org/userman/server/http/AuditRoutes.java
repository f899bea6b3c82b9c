package org.userman.server.http;

import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import org.userman.audit.AuditEvent;
import org.userman.audit.AuditLog;
import org.userman.audit.AuditQuery;
import org.userman.audit.AuditType;
import org.userman.common.FieldError;
import org.userman.common.Identifiers;
import org.userman.common.Page;
import org.userman.common.ValidationException;

/** The audit log: every event for admins, a user's own security events for the user. */
public final class AuditRoutes {
  private final Api api;
  private final AuditLog audit;
  private final Views views;

  public AuditRoutes(Api api, AuditLog audit, Views views) {
    this.api = api;
    this.audit = audit;
    this.views = views;
  }

  public void declare(ApiRoutes r) {
    r.get(
            "/api/v1/audit-events",
            "listAuditEvents",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              String userId = c.query("user_id").orElse(null);
              if (userId != null && !Identifiers.looksLikeId(userId)) {
                throw new ValidationException(FieldError.invalidFormat("user_id", "a user id"));
              }
              list(c, res, userId);
            })
        .get(
            "/api/v1/me/events",
            "listMyEvents",
            (req, res) -> {
              Call c = api.call(req);
              list(c, res, c.user().userId());
            });
  }

  private void list(Call c, ServerResponse res, String userId) {
    AuditType type =
        c.query("type")
            .map(
                s ->
                    AuditType.fromCode(s)
                        .orElseThrow(
                            () ->
                                new ValidationException(
                                    FieldError.invalidFormat("type", "an audit event type"))))
            .orElse(null);
    Page<AuditEvent> page =
        audit.list(
            new AuditQuery(
                userId,
                type,
                time(c, "since"),
                time(c, "until"),
                Paging.limit(c),
                Paging.cursor(c)));
    api.ok(res, views.page(page.items(), views::auditEvent, page.nextAfterId()));
  }

  private static Instant time(Call c, String name) {
    return c.query(name)
        .map(
            s -> {
              Instant t = Times.parse(s);
              if (t == null) {
                throw new ValidationException(FieldError.invalidFormat(name, Times.EXPECTED));
              }
              return t;
            })
        .orElse(null);
  }
}
