package org.userman.serviceaccount;

import java.time.Instant;
import java.util.List;

/**
 * A principal that is not a person: another service, which gets access tokens by the OAuth 2.0
 * client credentials grant with its id as the client id and one of its secrets, or presents a
 * secret itself as an API key. It holds roles as users do, and never signs in to pages.
 *
 * @param status {@link ServiceAccounts#ACTIVE} or {@link ServiceAccounts#DISABLED}
 * @param roles the roles it holds, by name, sorted
 * @param organizationId the organization that owns it (its tokens carry it as {@code org_id}); null
 *     for the instance's own
 */
public record ServiceAccount(
    String id,
    String name,
    String description,
    String status,
    List<String> roles,
    Instant createdAt,
    Instant updatedAt,
    String organizationId) {
  public ServiceAccount {
    roles = List.copyOf(roles);
  }

  /** The client id of the client credentials grant: the id itself. */
  public String clientId() {
    return id;
  }

  public boolean active() {
    return ServiceAccounts.ACTIVE.equals(status);
  }
}
