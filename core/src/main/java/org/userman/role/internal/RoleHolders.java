package org.userman.role.internal;

import org.jdbi.v3.core.Handle;
import org.userman.common.Actor;

/**
 * The users' side of a role's deletion, kept by the feature that owns the users' roles: how many
 * hold it, and taking it from them.
 */
public interface RoleHolders {
  /** How many users hold {@code role}. */
  long count(Handle h, String role);

  /**
   * Takes {@code role} from every user that holds it, in the caller's transaction, each an audited
   * change of that user's roles; returns how many users lost it.
   */
  long unassignAll(Handle h, String role, Actor actor);
}
