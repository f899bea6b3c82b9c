package org.userman.server.http;

import org.userman.common.Identifiers;
import java.time.Instant;
import org.userman.common.FieldError;
import org.userman.internal.Ids;
import org.userman.common.ValidationException;
import org.userman.common.Page;
import org.userman.audit.AuditEvent;
import org.userman.audit.AuditLog;
import org.userman.audit.AuditQuery;
import org.userman.audit.AuditType;

/** The audit log: every event for admins, a user's own security events for the user. */
public final class AuditRoutes {
  private final AuditLog audit;
  private final Views views;

  public AuditRoutes(AuditLog audit, Views views) {
    this.audit = audit;
    this.views = views;
  }

  public void declare(RouteTable t) {
    t.get("/api/v1/audit-events", c -> {
          c.admin();
          String userId = c.query("user_id").orElse(null);
          if (userId != null && !Identifiers.looksLikeId(userId)) {
            throw new ValidationException(FieldError.invalidFormat("user_id", "a user id"));
          }
          return list(c, userId);
        })
        .get("/api/v1/me/events", c -> list(c, c.user().userId()));
  }

  private Reply list(Call c, String userId) {
    AuditType type = c.query("type").map(s -> AuditType.fromCode(s).orElseThrow(
        () -> new ValidationException(FieldError.invalidFormat("type", "an audit event type")))).orElse(null);
    Instant since = time(c, "since");
    Instant until = time(c, "until");
    Page<AuditEvent> page = audit.list(new AuditQuery(userId, type, since, until, Paging.limit(c), Paging.cursor(c)));
    return Reply.ok(views.page(page.items(), views::auditEvent, page.nextAfterId()));
  }

  private static Instant time(Call c, String name) {
    return c.query(name).map(s -> {
      Instant t = Times.parse(s);
      if (t == null) {
        throw new ValidationException(FieldError.invalidFormat(name, Times.EXPECTED));
      }
      return t;
    }).orElse(null);
  }
}
