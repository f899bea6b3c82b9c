package org.userman.account.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.role.internal.RoleHolders;

/**
 * The users' roles, as a role's deletion sees them: taking a role from its holders is, for each of
 * them, the same audited change of roles (and {@code user.roles_changed} event) as an admin's edit.
 * The users' cached rows need nothing more: the transaction's write ends them on every node, and
 * authorization reads the current roles at each request.
 */
public final class RoleAssignments implements RoleHolders {
  private final AccountStore store;
  private final AuditLogService audit;
  private final Clock clock;

  public RoleAssignments(AccountStore store, AuditLogService audit, Clock clock) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public long count(Handle h, String role) {
    return store.countHolders(h, role);
  }

  @Override
  public long unassignAll(Handle h, String role, Actor actor) {
    Instant now = clock.instant();
    Map<String, List<String>> before = store.unassignAll(h, role, now);
    before.forEach(
        (userId, roles) ->
            audit.record(
                h,
                AuditType.ROLES_CHANGED,
                actor,
                userId,
                Map.of(
                    "roles",
                    String.join(",", roles.stream().filter(r -> !r.equals(role)).toList()),
                    "previous_roles",
                    String.join(",", roles),
                    "role_deleted",
                    role)));
    return before.size();
  }
}
