package org.userman.role.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.userman.common.FieldError;
import org.userman.common.ValidationException;
import org.userman.role.Roles;

/**
 * What the features that assign roles (accounts, imports) ask, inside their own transaction: which
 * of the names they assign are roles.
 */
public final class RoleCatalog {
  private final RoleStore store;

  public RoleCatalog(RoleStore store) {
    this.store = store;
  }

  /**
   * The names among {@code names} that are no role. With {@code lock}, the roles found stay locked
   * until the transaction ends, so that none is deleted before the assignment commits.
   */
  public Set<String> unknown(Handle h, Collection<String> names, boolean lock) {
    Set<String> out = new TreeSet<>(names);
    if (!out.isEmpty()) {
      out.removeAll(store.existing(h, out, lock));
    }
    return out;
  }

  /**
   * Fails with {@code validation_failed} ({@code unknown_role} on {@code field}, one error each)
   * unless every one of {@code names} is a role; locks them as {@link #unknown} does.
   */
  public void requireKnown(Handle h, String field, Collection<String> names) {
    List<FieldError> errors = new ArrayList<>();
    for (String role : unknown(h, names, true)) {
      errors.add(Roles.unknown(field, role));
    }
    ValidationException.throwIfAny(errors);
  }
}
