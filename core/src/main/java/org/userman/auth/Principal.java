package org.userman.auth;

import java.util.List;

/**
 * Who made a request: a user, through a session or through an API key (the other id is null), or a
 * service account ({@code clientSecretId} set; {@code userId} is then the account's id), through a
 * token granted for that client secret or through the secret itself.
 *
 * @param scope for a service account's token, the roles it was granted (a narrowed grant holds
 *     fewer than the account); null when the credential carries the account's roles as they are
 */
public record Principal(
    String userId, String sessionId, String apiKeyId, String clientSecretId, List<String> scope) {
  public Principal {
    scope = scope == null ? null : List.copyOf(scope);
  }

  /** A user's principal. */
  public Principal(String userId, String sessionId, String apiKeyId) {
    this(userId, sessionId, apiKeyId, null, null);
  }

  /** A service account's principal; {@code scope} as above. */
  public static Principal serviceAccount(
      String serviceAccountId, String clientSecretId, List<String> scope) {
    return new Principal(serviceAccountId, null, null, clientSecretId, scope);
  }

  public boolean viaApiKey() {
    return apiKeyId != null;
  }

  public boolean isServiceAccount() {
    return clientSecretId != null;
  }

  /**
   * Whether the credential allows acting with {@code role} (which the principal must also hold
   * now): a service account's narrowed token allows only the roles it was granted.
   */
  public boolean credentialAllows(String role) {
    return scope == null || scope.contains(role);
  }
}
