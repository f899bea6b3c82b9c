package org.userman.role.internal;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.userman.common.Actor;

/**
 * The holders' side of a role's deletion, kept by each feature whose principals hold roles (users,
 * service accounts): how many hold it, and taking it from them.
 */
public interface RoleHolders {
  /** How many hold {@code role}. */
  long count(Handle h, String role);

  /**
   * Takes {@code role} from every holder, in the caller's transaction, each an audited change of
   * that holder's roles; returns how many lost it.
   */
  long unassignAll(Handle h, String role, Actor actor);

  /** The holders of every one of {@code kinds}, counted and unassigned together. */
  static RoleHolders of(RoleHolders... kinds) {
    List<RoleHolders> all = List.of(kinds);
    return new RoleHolders() {
      @Override
      public long count(Handle h, String role) {
        return all.stream().mapToLong(k -> k.count(h, role)).sum();
      }

      @Override
      public long unassignAll(Handle h, String role, Actor actor) {
        return all.stream().mapToLong(k -> k.unassignAll(h, role, actor)).sum();
      }
    };
  }
}
