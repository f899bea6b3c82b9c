package org.userman.session.internal;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * What a session acting in an organization asks of the organizations: the user's roles there, for
 * the access token's {@code org_roles}. The organizations implement it, so that sessions know
 * nothing of them.
 */
public interface OrganizationCheck {
  /**
   * The user's roles in the organization, read in the caller's transaction; empty for no member.
   */
  Optional<List<String>> roles(Handle h, String organizationId, String userId);
}
