package org.userman.serviceaccount;

import java.time.Instant;
import java.util.List;
import org.userman.common.Actor;
import org.userman.common.Page;

/**
 * Service accounts, managed by admins (each change audited): their roles, their client secrets
 * (several at once, for rotation; shown once, stored as a hash), and the OAuth 2.0 client
 * credentials grant that turns a client id and secret into an access token.
 *
 * <p>A token granted to a service account names the account ({@code sub} and {@code client_id}) and
 * the secret it was granted for ({@code sid}): revoking that secret, disabling or deleting the
 * account revokes the token at its next use, on every node.
 */
public interface ServiceAccounts {
  String ACTIVE = "active";
  String DISABLED = "disabled";

  /** What every client secret starts with, so that secret scanners can recognize a leaked one. */
  String SECRET_PREFIX = "umsa_";

  /** The most secrets one account holds at once. */
  int MAX_SECRETS = 20;

  /**
   * Creates an active service account, the instance's or, with {@code organizationId}, that
   * organization's (deleted with it); {@code service_account_taken} when one of the name exists,
   * {@code validation_failed} for a role ({@code unknown_role}) or an organization that does not
   * exist.
   */
  ServiceAccount create(
      String name, String description, List<String> roles, String organizationId, Actor actor);

  /** The accounts by name; {@code afterName} is the last name of the page before. */
  Page<ServiceAccount> list(int limit, String afterName);

  /** One account; {@code not_found} for an unknown id. */
  ServiceAccount get(String id);

  /** Changes an account; disabling it refuses its secrets and tokens at once. */
  ServiceAccount update(String id, ServiceAccountPatch patch, Actor actor);

  /** Deletes an account with its secrets; its tokens are refused from then on. */
  void delete(String id, Actor actor);

  /** Makes a secret for the account; {@code expiresAt} may be null (it does not expire). */
  CreatedClientSecret createSecret(String id, String name, Instant expiresAt, Actor actor);

  List<ClientSecret> secrets(String id);

  /** Revokes one secret, and every token granted for it. */
  void deleteSecret(String id, String secretId, Actor actor);

  /**
   * Whether the account is active and holds {@code role} now (authorization reads the current
   * roles, not the token's).
   */
  boolean holds(String id, String role);

  /**
   * The client credentials grant: an access token for the account whose id is {@code clientId}, if
   * {@code secret} is one of its live secrets and the account is active; {@code invalid_client}
   * otherwise (audited, and counted against the client address's allowance). {@code scope}, if not
   * null, names the roles the token is to carry, separated by spaces, each one the account holds
   * ({@code invalid_scope} otherwise).
   */
  ClientToken grant(String clientId, String secret, String scope, Actor client);

  /**
   * The id of the active account that one of its live secrets belongs to, for a caller that
   * authenticates with the client id and secret (token introspection); {@code invalid_client}
   * otherwise, as for {@link #grant}. Answered from memory while nothing changed, as every
   * request's check of a credential is.
   */
  String authenticateClient(String clientId, String secret, Actor client);
}
