package org.userman.role.internal;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.Page;
import org.userman.common.Text;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.role.Role;
import org.userman.role.Roles;
import org.userman.store.Dialect;
import org.userman.store.internal.Database;

/** Creating, listing and deleting roles; the users' side of a deletion is {@link RoleHolders}'. */
public final class RoleService implements Roles {
  private final Database db;
  private final RoleStore store;
  private final RoleHolders holders;
  private final AuditLogService audit;
  private final Clock clock;

  public RoleService(
      Database db, RoleStore store, RoleHolders holders, AuditLogService audit, Clock clock) {
    this.db = db;
    this.store = store;
    this.holders = holders;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  public Role create(String name, String description, Actor actor) {
    List<FieldError> errors = new ArrayList<>();
    if (name == null) {
      errors.add(FieldError.required("name"));
    } else {
      Roles.check("name", name).ifPresent(errors::add);
    }
    if (description != null) {
      if (description.length() > MAX_DESCRIPTION) {
        errors.add(FieldError.tooLong("description", MAX_DESCRIPTION));
      } else if (!Text.isPrintable(description)) {
        errors.add(
            FieldError.invalidFormat(
                "description", "control characters and lone surrogates are not allowed"));
      }
    }
    ValidationException.throwIfAny(errors);
    Role role =
        new Role(
            name,
            description == null ? "" : description,
            false,
            clock.instant().truncatedTo(ChronoUnit.MILLIS),
            0);
    try {
      db.tx(
          h -> {
            if (store.exists(h, name)) {
              throw taken();
            }
            store.insert(h, role);
            audit.record(h, AuditType.ROLE_CREATED, actor, null, Map.of("role", name));
            return null;
          });
    } catch (RuntimeException e) {
      // two creations of one name at once: the one that lost the primary key gets the same 409
      throw Dialect.isUniqueViolation(e) ? taken() : e;
    }
    return role;
  }

  private static UsermanException taken() {
    return new UsermanException(ErrorCode.ROLE_TAKEN, "A role of this name exists.");
  }

  @Override
  public Page<Role> list(int limit, String afterName) {
    return Page.of(db.read(h -> store.page(h, afterName, limit + 1)), limit, Role::name);
  }

  @Override
  public Role get(String name) {
    if (Roles.check("name", name).isPresent()) {
      throw notFound();
    }
    return db.read(h -> store.find(h, name)).orElseThrow(RoleService::notFound);
  }

  @Override
  public long delete(String name, boolean force, Actor actor) {
    if (Roles.check("name", name).isPresent()) {
      throw notFound();
    }
    return db.tx(
        h -> {
          Role role = store.findLocked(h, name).orElseThrow(RoleService::notFound);
          if (role.builtIn()) {
            throw new UsermanException(
                ErrorCode.BUILT_IN_ROLE,
                "The role '" + name + "' is built in: Userman itself relies on it.");
          }
          long holding = holders.count(h, name);
          if (holding > 0 && !force) {
            throw new UsermanException(
                ErrorCode.ROLE_IN_USE,
                holding
                    + (holding == 1
                        ? " user or service account holds"
                        : " users or service accounts hold")
                    + " the role '"
                    + name
                    + "'; take it from them first, or delete with force=true.");
          }
          long unassigned = holding > 0 ? holders.unassignAll(h, name, actor) : 0;
          store.delete(h, name);
          audit.record(
              h,
              AuditType.ROLE_DELETED,
              actor,
              null,
              Map.of("role", name, "unassigned", Long.toString(unassigned)));
          return unassigned;
        });
  }

  private static UsermanException notFound() {
    return new UsermanException(ErrorCode.NOT_FOUND, "No such role.");
  }
}
